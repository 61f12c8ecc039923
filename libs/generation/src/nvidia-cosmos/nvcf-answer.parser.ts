import { randomUUID } from 'node:crypto';
import { Errors } from '@app/domain';
import { ProviderError } from '../throughput/provider.errors';

/** Where a finished Cosmos video is: in the answer (base64), or in a ZIP at a presigned URL (large results). */
export type CosmosOutput = { kind: 'inline'; video: Buffer } | { kind: 'archive'; url: string };

/** An NVCF invocation as a 2xx or 3xx answer shows it. */
export type NvcfReading =
  | { phase: 'pending'; requestId: string; progress?: number }
  | { phase: 'done'; requestId: string; output: CosmosOutput };

/** ...or as a refusal of the function shows it (a 4xx from the status endpoint). */
export type NvcfAnswer = NvcfReading | { phase: 'failed'; requestId: string; reason: string };

export interface RawAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** NVCF-PERCENT-COMPLETE, the progress a function reports while pending (0..100), as 0..1. */
export function percentComplete(headers: Headers): number | undefined {
  const raw = headers.get('nvcf-percent-complete');
  const value = raw === null ? NaN : Number(raw);
  return Number.isFinite(value) ? Math.max(0, Math.min(1, value / 100)) : undefined;
}

/** The MP4 of a Cosmos result: NIM for Cosmos answers `{"b64_video": "<base64 MP4>", "upsampled_prompt", "seed"}`. */
export function videoOfResult(json: unknown): Buffer | null {
  const b64 = (json as { b64_video?: unknown } | null)?.b64_video;
  if (typeof b64 !== 'string' || !b64.length) return null;
  const video = Buffer.from(b64, 'base64');
  return video.length ? video : null;
}

/**
 * Reads an answer of the invocation (POST) or status (GET /v2/nvcf/pexec/status/{id}) endpoint:
 * 202 with NVCF-REQID is pending; 200 carries the function's answer, here Cosmos' JSON with the
 * video; a redirect is NVCF's answer for a result larger than the function may return inline, its
 * Location a presigned URL of a ZIP of the result. Errors (4xx, 5xx) never get here: the HTTP
 * client has mapped them already. A 202 without NVCF-REQID cannot be followed, yet may be running.
 */
export function readNvcfAnswer(provider: string, answer: RawAnswer, knownId: string | null): NvcfReading {
  // A finished answer needs no id to be followed by; one is made up so the job can still be recorded.
  const requestId =
    answer.headers.get('nvcf-reqid') ?? knownId ?? (answer.status === 202 ? null : `unnamed-${randomUUID()}`);
  if (!requestId)
    throw new ProviderError(
      Errors.providerUnconfirmedCreate,
      `${provider}: the invocation answered ${answer.status} without an NVCF-REQID to follow it by`,
      { provider, providerStatus: answer.status },
    );
  if (answer.status === 202) return { phase: 'pending', requestId, progress: percentComplete(answer.headers) };
  if (REDIRECTS.has(answer.status)) {
    const url = answer.headers.get('location');
    if (!url || !/^https?:\/\//.test(url))
      throw badOutput(provider, requestId, `a ${answer.status} without a usable Location`, answer.status);
    return { phase: 'done', requestId, output: { kind: 'archive', url } };
  }
  if (answer.status !== 200) throw badOutput(provider, requestId, `an unexpected ${answer.status}`, answer.status);
  let json: unknown;
  try {
    json = JSON.parse(answer.body.toString('utf8'));
  } catch (error) {
    throw badOutput(provider, requestId, 'a result that is not JSON', answer.status, error);
  }
  const video = videoOfResult(json);
  if (!video) throw badOutput(provider, requestId, 'a result without b64_video', answer.status);
  return { phase: 'done', requestId, output: { kind: 'inline', video } };
}

function badOutput(provider: string, requestId: string, what: string, status: number, cause?: unknown): ProviderError {
  return new ProviderError(
    Errors.providerBadOutput,
    `${provider}: request ${requestId} answered ${what}`,
    { provider, providerStatus: status, jobId: requestId },
    { cause },
  );
}
