import { createHmac, randomBytes } from 'node:crypto';
import { verifyStandardWebhook, WebhookVerificationError } from './standard-webhook.util';

const keyBytes = randomBytes(24);
const secret = `whsec_${keyBytes.toString('base64')}`;
const now = 1_750_000_000_000;
const nowSec = String(now / 1000);
const body = JSON.stringify({ id: 'p1', status: 'succeeded', output: 'https://replicate.delivery/x.mp4' });

// Signed here from the spec's definition, independently of the code under test.
function sign(id: string, timestamp: string, payload: string, key = keyBytes): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${payload}`).digest('base64')}`;
}

function headers(overrides: Record<string, string> = {}) {
  return {
    'webhook-id': 'msg_1',
    'webhook-timestamp': nowSec,
    'webhook-signature': sign('msg_1', nowSec, body),
    ...overrides,
  };
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe(verifyStandardWebhook.name, () => {
  const opts = { now: () => now };

  it('accepts a delivery signed with the secret and returns its id', () => {
    expect(verifyStandardWebhook(secret, headers(), body, opts)).toEqual({ id: 'msg_1', timestamp: now / 1000 });
    expect(verifyStandardWebhook(secret, new Headers(headers()), Buffer.from(body), opts).id).toBe('msg_1');
  });

  it('rejects a tampered body', () => {
    expect(reasonOf(() => verifyStandardWebhook(secret, headers(), body.replace('succeeded', 'failed'), opts))).toBe(
      'no-matching-signature',
    );
  });

  it('rejects a timestamp outside the tolerance either way (replays)', () => {
    const old = String(now / 1000 - 301);
    expect(
      reasonOf(() =>
        verifyStandardWebhook(
          secret,
          headers({ 'webhook-timestamp': old, 'webhook-signature': sign('msg_1', old, body) }),
          body,
          opts,
        ),
      ),
    ).toBe('timestamp-too-old');
    const future = String(now / 1000 + 301);
    expect(
      reasonOf(() =>
        verifyStandardWebhook(
          secret,
          headers({ 'webhook-timestamp': future, 'webhook-signature': sign('msg_1', future, body) }),
          body,
          opts,
        ),
      ),
    ).toBe('timestamp-in-future');
    const recent = String(now / 1000 - 60);
    expect(
      verifyStandardWebhook(
        secret,
        headers({ 'webhook-timestamp': recent, 'webhook-signature': sign('msg_1', recent, body) }),
        body,
        {
          ...opts,
          toleranceSec: 120,
        },
      ).id,
    ).toBe('msg_1');
  });

  it('accepts when any of several signatures matches (secret rotation) and ignores other versions', () => {
    const wrong = sign('msg_1', nowSec, body, randomBytes(24));
    const good = sign('msg_1', nowSec, body);
    const v1a = `v1a,${good.slice(3)}`;
    expect(verifyStandardWebhook(secret, headers({ 'webhook-signature': `${wrong} ${good}` }), body, opts).id).toBe(
      'msg_1',
    );
    expect(
      reasonOf(() => verifyStandardWebhook(secret, headers({ 'webhook-signature': `${wrong} ${v1a}` }), body, opts)),
    ).toBe('no-matching-signature');
  });

  it('rejects a signature made with another secret, or for another message id', () => {
    const other = `whsec_${randomBytes(24).toString('base64')}`;
    expect(reasonOf(() => verifyStandardWebhook(other, headers(), body, opts))).toBe('no-matching-signature');
    expect(reasonOf(() => verifyStandardWebhook(secret, headers({ 'webhook-id': 'msg_2' }), body, opts))).toBe(
      'no-matching-signature',
    );
  });

  it('rejects missing headers and malformed timestamps before any crypto', () => {
    const { 'webhook-signature': _sig, ...unsigned } = headers();
    expect(reasonOf(() => verifyStandardWebhook(secret, unsigned, body, opts))).toBe('missing-headers');
    expect(reasonOf(() => verifyStandardWebhook(secret, headers({ 'webhook-timestamp': '17e8' }), body, opts))).toBe(
      'bad-timestamp',
    );
  });

  it('is a 401 AppError with a stable code', () => {
    try {
      verifyStandardWebhook(secret, headers(), `${body} `, opts);
    } catch (error) {
      expect(error).toMatchObject({ code: 'WEBHOOK.INVALID', status: 401 });
    }
    expect.assertions(1);
  });
});
