import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

/** One scripted answer of the fake server to a chat completion. */
export type FakeChatBehaviour =
  | {
      kind: 'json';
      content: unknown | ((request: ChatRequest) => unknown);
      promptTokens?: number;
      completionTokens?: number;
    }
  | { kind: 'text'; content: string }
  | { kind: 'error'; status: number; message?: string; headers?: Record<string, string> }
  | { kind: 'delay'; ms: number; then: FakeChatBehaviour }
  | { kind: 'hang' };

export interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format?: { type: string; json_schema?: { name: string; schema: unknown; strict?: boolean } };
  [key: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface FakeOpenAiOptions {
  /** A server like older vLLM/Ollama builds that rejects `response_format: json_schema` (400). */
  supportsJsonSchema?: boolean;
  /** When set, requests without `Authorization: Bearer <apiKey>` get 401. */
  apiKey?: string;
  /** Words that make /v1/moderations flag an input, by category. */
  moderation?: Record<string, string[]>;
}

/**
 * A local server that speaks OpenAI's published HTTP contract for Chat Completions (including
 * structured outputs), Moderations and Models, so the real `openai` SDK can be driven against it.
 * Answers are scripted per call (`enqueue`), falling back to `setDefault`.
 */
export class FakeOpenAiServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: FakeChatBehaviour[] = [];
  private fallback: FakeChatBehaviour = { kind: 'error', status: 500, message: 'no scripted answer' };
  private readonly open = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    private readonly options: FakeOpenAiOptions,
  ) {}

  static async start(options: FakeOpenAiOptions = {}): Promise<FakeOpenAiServer> {
    let instance: FakeOpenAiServer | null = null;
    const server = createServer((req, res) => void instance!.handle(req, res));
    instance = new FakeOpenAiServer(server, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  /** Base URL as OPENAI_BASE_URL expects it (ending in /v1). */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  enqueue(...behaviours: FakeChatBehaviour[]): this {
    this.queue.push(...behaviours);
    return this;
  }

  setDefault(behaviour: FakeChatBehaviour): this {
    this.fallback = behaviour;
    return this;
  }

  chatRequests(): ChatRequest[] {
    return this.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as ChatRequest);
  }

  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      return this.error(res, 400, 'We could not parse the JSON body of your request.');
    }
    const path = (req.url ?? '').split('?')[0];
    this.requests.push({ method: req.method ?? '', path, headers: req.headers, body });

    if (this.options.apiKey && req.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      return this.error(res, 401, 'Incorrect API key provided.', 'invalid_api_key');
    }
    if (req.method === 'GET' && path === '/v1/models') {
      return this.json(res, 200, {
        object: 'list',
        data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'reelsmith' }],
      });
    }
    if (req.method === 'POST' && path === '/v1/moderations')
      return this.moderate(res, body as { input: string | string[] });
    if (req.method === 'POST' && path === '/v1/chat/completions') return this.chat(res, body as ChatRequest);
    return this.error(res, 404, `Unknown request URL: ${req.method} ${path}.`, 'unknown_url');
  }

  private async chat(res: ServerResponse, request: ChatRequest, behaviour?: FakeChatBehaviour): Promise<void> {
    if (!request || typeof request.model !== 'string' || !Array.isArray(request.messages) || !request.messages.length) {
      return this.error(res, 400, "'model' and a non-empty 'messages' are required.");
    }
    if (request.response_format?.type === 'json_schema' && this.options.supportsJsonSchema === false) {
      return this.error(
        res,
        400,
        "Invalid value for 'response_format': json_schema is not supported by this server.",
        null,
        'response_format',
      );
    }
    const next = behaviour ?? this.queue.shift() ?? this.fallback;
    switch (next.kind) {
      case 'delay':
        await new Promise((r) => setTimeout(r, next.ms));
        if (res.destroyed) return;
        return this.chat(res, request, next.then);
      case 'hang':
        return; // never answers: the client's timeout must fire
      case 'error':
        return this.error(res, next.status, next.message ?? `status ${next.status}`, null, null, next.headers);
      case 'text':
      case 'json': {
        const content =
          next.kind === 'text'
            ? next.content
            : JSON.stringify(
                typeof next.content === 'function'
                  ? (next.content as (r: ChatRequest) => unknown)(request)
                  : next.content,
              );
        const promptTokens =
          next.kind === 'json' ? (next.promptTokens ?? estimateTokens(request)) : estimateTokens(request);
        const completionTokens =
          next.kind === 'json'
            ? (next.completionTokens ?? Math.ceil(content.length / 4))
            : Math.ceil(content.length / 4);
        return this.json(res, 200, {
          id: `chatcmpl-${randomUUID()}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: request.model,
          choices: [
            { index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null },
          ],
          usage: {
            prompt_tokens: promptTokens,
            completion_tokens: completionTokens,
            total_tokens: promptTokens + completionTokens,
          },
        });
      }
    }
  }

  private moderate(res: ServerResponse, body: { input: string | string[] }) {
    const inputs = Array.isArray(body?.input) ? body.input : [String(body?.input ?? '')];
    const words = this.options.moderation ?? {};
    return this.json(res, 200, {
      id: `modr-${randomUUID()}`,
      model: 'omni-moderation-latest',
      results: inputs.map((input) => {
        const categories: Record<string, boolean> = {};
        const scores: Record<string, number> = {};
        for (const [category, list] of Object.entries(words)) {
          const hit = list.some((w) => input.toLowerCase().includes(w.toLowerCase()));
          categories[category] = hit;
          scores[category] = hit ? 0.97 : 0.001;
        }
        return { flagged: Object.values(categories).some(Boolean), categories, category_scores: scores };
      }),
    });
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': randomUUID(), ...headers });
    res.end(JSON.stringify(body));
  }

  private error(
    res: ServerResponse,
    status: number,
    message: string,
    code: string | null = null,
    param: string | null = null,
    headers: Record<string, string> = {},
  ) {
    const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
    this.json(res, status, { error: { message, type, param, code } }, headers);
  }
}

function estimateTokens(request: ChatRequest): number {
  return Math.ceil(request.messages.reduce((n, m) => n + String(m.content).length, 0) / 4);
}
