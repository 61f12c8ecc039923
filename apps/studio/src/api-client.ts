import { session } from './session';
import type {
  Estimate,
  JobView,
  Problem,
  RevisionAnswer,
  RevisionEdit,
  RevisionItem,
  Storyboard,
  StudioConfig,
} from './types';

/** An answer other than 2xx, with the API's stable code and, for a 400, every problem it found. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}

/** Called when the key stops working (revoked, or another tab signed out): back to sign-in. */
let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}
export function whenUnauthorizedNow(): void {
  onUnauthorized();
}

/** The signed-in credential as a header: an API key as `x-api-key`, an access token as a bearer token. */
export function authHeaders(key?: string): Record<string, string> {
  if (key !== undefined) return { 'x-api-key': key };
  const credential = session.credential();
  if (!credential) return {};
  return credential.kind === 'token'
    ? { authorization: `Bearer ${credential.value}` }
    : { 'x-api-key': credential.value };
}

async function request<T>(method: string, path: string, body?: unknown, key?: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: { ...authHeaders(key), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Reelsmith cannot be reached. Check your connection and try again.');
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; problems?: Problem[] } } | null)?.error;
    if (response.status === 401 && key === undefined) onUnauthorized();
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP.${response.status}`,
      error?.message ?? `the request failed (${response.status})`,
      error?.problems ?? [],
    );
  }
  return parsed as T;
}

export const api = {
  /** Checks a key before keeping it: a cheap authenticated read. */
  verifyKey: (key: string) => request<unknown>('GET', '/v1/jobs?limit=1', undefined, key),
  /** Public: whether single sign-on is offered, and where. */
  studioConfig: () => request<StudioConfig>('GET', '/v1/studio/config'),
  planStoryboard: (brief: Record<string, unknown>) =>
    request<{ brief: Record<string, unknown>; storyboard: Storyboard; planning: { planner: string } }>(
      'POST',
      '/v1/storyboards',
      brief,
    ),
  estimate: (brief: Record<string, unknown>, storyboard: Storyboard) =>
    request<Estimate>('POST', '/v1/storyboards/estimate', { ...brief, storyboard }),
  submit: (brief: Record<string, unknown>, storyboard: Storyboard | null) =>
    request<{ id: string; status: string }>('POST', '/v1/jobs', storyboard ? { ...brief, storyboard } : brief),
  job: (id: string) => request<JobView>('GET', `/v1/jobs/${encodeURIComponent(id)}`),
  jobs: (opts: { limit: number; cursor?: string | null; status?: string }) => {
    const query = new URLSearchParams({ limit: String(opts.limit) });
    if (opts.cursor) query.set('cursor', opts.cursor);
    if (opts.status) query.set('status', opts.status);
    return request<{ items: JobView[]; nextCursor: string | null }>('GET', `/v1/jobs?${query}`);
  },
  cancel: (id: string) => request<JobView>('POST', `/v1/jobs/${encodeURIComponent(id)}/cancel`),
  /** Every revision of a finished job and its current storyboard. */
  revisions: (id: string) =>
    request<{ current: number; storyboard: Storyboard | null; items: RevisionItem[] }>(
      'GET',
      `/v1/jobs/${encodeURIComponent(id)}/revisions`,
    ),
  /** A revision: with `dryRun`, only what it would make again and cost, nothing started. */
  revise: (id: string, edit: RevisionEdit, dryRun = false) =>
    request<RevisionAnswer>(
      'POST',
      `/v1/jobs/${encodeURIComponent(id)}/revisions${dryRun ? '?dryRun=true' : ''}`,
      edit,
    ),
  enhance: (idea: string) =>
    request<{ brief: Record<string, unknown>; notes: string[] }>('POST', '/v1/prompts/enhance', { idea }),
  update: (brief: Record<string, unknown>, storyboard: Storyboard | null, requestText: string) =>
    request<{ kind: string; brief?: Record<string, unknown>; storyboard?: Storyboard; changes: string[] }>(
      'POST',
      '/v1/prompts/update',
      { brief, ...(storyboard ? { storyboard } : {}), request: requestText },
    ),
  variations: (brief: Record<string, unknown>, storyboard: Storyboard | null, n: number) =>
    request<{ items: Array<{ label: string; brief?: Record<string, unknown>; storyboard?: Storyboard }> }>(
      'POST',
      '/v1/prompts/variations',
      { brief, ...(storyboard ? { storyboard } : {}), n },
    ),
  /** The ZIP of a completed job, fetched with the key (a link cannot send it) and handed to the browser as a file. */
  async archive(id: string): Promise<Blob> {
    const response = await fetch(`/v1/jobs/${encodeURIComponent(id)}/archive`, { headers: authHeaders() });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
      throw new ApiError(response.status, body?.error?.code ?? `HTTP.${response.status}`, body?.error?.message ?? '');
    }
    return response.blob();
  },
};
