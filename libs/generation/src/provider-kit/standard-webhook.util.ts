import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError, Errors } from '@app/domain';

export type WebhookFailure =
  | 'missing-headers'
  | 'bad-secret'
  | 'bad-timestamp'
  | 'timestamp-too-old'
  | 'timestamp-in-future'
  | 'no-matching-signature'
  | 'malformed-body';

export class WebhookVerificationError extends AppError {
  constructor(readonly reason: WebhookFailure) {
    super(Errors.webhookInvalid, `webhook rejected: ${reason}`, { details: { reason } });
    this.name = 'WebhookVerificationError';
  }
}

/** Headers as Node (`IncomingHttpHeaders`), fetch (`Headers`) or a plain map give them. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export interface VerifyOptions {
  /** how far the sender's timestamp may be from our clock, either way (replay window); Standard Webhooks suggests 5 minutes */
  toleranceSec?: number;
  now?: () => number;
}

/**
 * Verifies a Standard Webhooks delivery (what Replicate sends): HMAC-SHA256 keyed with the
 * base64 secret after `whsec_`, over `${webhook-id}.${webhook-timestamp}.${raw body}`, compared in
 * constant time against each space-separated `v1,<base64>` signature (several during key rotation).
 * The body must be the bytes as received: re-serialised JSON does not verify. Returns the message
 * id and timestamp (the id repeats on redelivery, so it de-duplicates); throws WebhookVerificationError.
 */
export function verifyStandardWebhook(
  secret: string,
  headers: WebhookHeaders,
  rawBody: string | Buffer,
  options: VerifyOptions = {},
): { id: string; timestamp: number } {
  const id = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestampText || !signatures) throw new WebhookVerificationError('missing-headers');

  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  if (!key.length) throw new WebhookVerificationError('bad-secret');

  if (!/^\d{1,12}$/.test(timestampText)) throw new WebhookVerificationError('bad-timestamp');
  const timestamp = Number(timestampText);
  const nowSec = Math.floor((options.now ?? Date.now)() / 1000);
  const tolerance = options.toleranceSec ?? 300;
  if (timestamp < nowSec - tolerance) throw new WebhookVerificationError('timestamp-too-old');
  if (timestamp > nowSec + tolerance) throw new WebhookVerificationError('timestamp-in-future');

  const expected = createHmac('sha256', key).update(`${id}.${timestampText}.`).update(rawBody).digest();
  const matches = signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',', 2);
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new WebhookVerificationError('no-matching-signature');
  return { id, timestamp };
}
