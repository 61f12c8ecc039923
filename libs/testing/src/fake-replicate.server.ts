import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type FfmpegRunner } from '@app/media';
import {
  FaultPlan,
  InFlightGauge,
  makeSampleMedia,
  maxOverlap,
  QUIET_FFMPEG,
  readRaw,
  type RecordedProviderRequest,
  type SampleMedia,
  sendBytes,
  sendJson,
  sha256,
} from './fake-vllm-omni.server';

/** One input field of a model's published schema. */
interface InputField {
  type: 'string' | 'integer' | 'number' | 'boolean' | 'file';
  required?: boolean;
  enum?: readonly (string | number)[];
  min?: number;
  max?: number;
}

export interface FakeModel {
  inputs: Record<string, InputField>;
  /** `image`: a list of file URLs, one per `num_outputs`, in `output_format` */
  output: 'video' | 'audio' | 'image';
}

/**
 * The frame sizes FLUX.1 [schnell] makes by `aspect_ratio` at `megapixels: "1"` (Replicate's
 * cog-flux); at `"0.25"` each side is halved.
 */
export const FLUX_SCHNELL_SIZES: Record<string, [number, number]> = {
  '1:1': [1024, 1024],
  '16:9': [1344, 768],
  '21:9': [1536, 640],
  '3:2': [1216, 832],
  '2:3': [832, 1216],
  '4:5': [896, 1088],
  '5:4': [1088, 896],
  '3:4': [896, 1152],
  '4:3': [1152, 896],
  '9:16': [768, 1344],
  '9:21': [640, 1536],
};

/** The input schemas Replicate publishes for the models the adapters use. */
export const FAKE_REPLICATE_MODELS: Record<string, FakeModel> = {
  'kwaivgi/kling-v2.5-turbo-pro': {
    inputs: {
      prompt: { type: 'string', required: true },
      negative_prompt: { type: 'string' },
      start_image: { type: 'file' },
      end_image: { type: 'file' },
      aspect_ratio: { type: 'string', enum: ['16:9', '9:16', '1:1'] },
      duration: { type: 'integer', enum: [5, 10] },
      image: { type: 'file' },
    },
    output: 'video',
  },
  'stability-ai/stable-audio-2.5': {
    inputs: {
      prompt: { type: 'string', required: true },
      duration: { type: 'integer', min: 1, max: 190 },
      steps: { type: 'integer', min: 4, max: 8 },
      cfg_scale: { type: 'number', min: 1, max: 25 },
      seed: { type: 'integer' },
    },
    output: 'audio',
  },
  'black-forest-labs/flux-schnell': {
    inputs: {
      prompt: { type: 'string', required: true },
      aspect_ratio: { type: 'string', enum: Object.keys(FLUX_SCHNELL_SIZES) },
      num_outputs: { type: 'integer', min: 1, max: 4 },
      num_inference_steps: { type: 'integer', min: 1, max: 4 },
      seed: { type: 'integer' },
      output_format: { type: 'string', enum: ['webp', 'jpg', 'png'] },
      output_quality: { type: 'integer', min: 0, max: 100 },
      disable_safety_checker: { type: 'boolean' },
      go_fast: { type: 'boolean' },
      megapixels: { type: 'string', enum: ['1', '0.25'] },
    },
    output: 'image',
  },
};

export interface FakePrediction {
  id: string;
  model: string;
  token: string;
  input: Record<string, unknown>;
  /** decoded data-URL file inputs, by field */
  files: Record<string, { type: string; size: number; sha256: string }>;
  webhook: string | null;
  webhookEvents: string[] | null;
  createdAt: number;
  startsAt: number;
  endsAt: number;
  outcome: 'succeeded' | 'failed' | 'missing-output';
  failure: string | null;
  canceledAt: number | null;
  /** a video made from the prediction's start/end images, like the real model's (see `framedClip`) */
  output?: Promise<Buffer>;
  /** an image model's pictures, one per output (see `picture`) */
  images?: { format: string; width: number; height: number; bytes: Promise<Buffer> }[];
}

export interface DeliveredWebhook {
  predictionId: string;
  url: string;
  status: number | null;
  webhookId: string;
  event: string;
}

export interface FakeReplicateOptions {
  /** tokens the fake accepts; anything else is 401 */
  tokens: string[];
  /** `whsec_…`: webhooks are signed with it (Standard Webhooks) */
  webhookSecret?: string;
  startingMs?: number;
  processingMs?: number;
  ffmpeg?: FfmpegRunner;
  models?: Record<string, FakeModel>;
}

const TERMINAL = new Set(['succeeded', 'failed', 'canceled']);

/** PNG or JPEG by signature: only real pictures are rendered into the output (others get the sample clip). */
function isImage(bytes: Buffer): boolean {
  return (
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ||
    (bytes[0] === 0xff && bytes[1] === 0xd8)
  );
}

function problem(
  res: ServerResponse,
  status: number,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  sendJson(
    res,
    status,
    { title, detail, status, ...extra },
    { ...headers, 'content-type': 'application/problem+json' },
  );
}

/**
 * A local server speaking Replicate's HTTP API for official models: create
 * (POST /v1/models/{owner}/{name}/predictions, inputs checked against the model's published schema),
 * get, cancel, account, output files, and webhooks signed per Standard Webhooks. Predictions go
 * starting -> processing -> succeeded on a clock. Tokens are checked (401), 429 storms can be aimed
 * at one token, faults scripted or drawn at a seeded rate, concurrency measured per token.
 */
export class FakeReplicateServer {
  readonly requests: RecordedProviderRequest[] = [];
  readonly predictions = new Map<string, FakePrediction>();
  readonly webhooks: DeliveredWebhook[] = [];
  readonly faults = new FaultPlan();
  readonly inFlight = new InFlightGauge();
  outputsRemoved = false;
  private readonly open = new Set<ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly models: Record<string, FakeModel>;
  private startingMs: number;
  private processingMs: number;

  private constructor(
    private readonly server: Server,
    private readonly media: SampleMedia,
    private readonly options: FakeReplicateOptions,
  ) {
    this.models = options.models ?? FAKE_REPLICATE_MODELS;
    this.startingMs = options.startingMs ?? 50;
    this.processingMs = options.processingMs ?? 300;
  }

  static async start(options: FakeReplicateOptions): Promise<FakeReplicateServer> {
    const media = await makeSampleMedia(options.ffmpeg ?? QUIET_FFMPEG, { clipSec: 5, size: '384x216' });
    let instance: FakeReplicateServer | null = null;
    const server = createServer((req, res) => void instance!.handle(req, res));
    instance = new FakeReplicateServer(server, media, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  /** Base URL as REPLICATE_BASE_URL takes it. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  setTiming(timing: { startingMs?: number; processingMs?: number }): void {
    this.startingMs = timing.startingMs ?? this.startingMs;
    this.processingMs = timing.processingMs ?? this.processingMs;
  }

  /** The next `times` calls made with `token` answer 429 with Retry-After. */
  throttleToken(token: string, times: number, retryAfterSec = 1): void {
    this.faults.inject(
      {
        kind: 'status',
        status: 429,
        retryAfterSec,
        message: `Request was throttled. Your rate limit resets in ~${retryAfterSec}s.`,
      },
      { times, match: (t) => t.token === token },
    );
  }

  /** Like Replicate an hour after a prediction: outputs gone, `data_removed: true`. */
  removeOutputs(): void {
    this.outputsRemoved = true;
  }

  get createCount(): number {
    return this.predictions.size;
  }

  requestsTo(method: string, pathPattern: RegExp): RecordedProviderRequest[] {
    return this.requests.filter((r) => r.method === method && pathPattern.test(r.path));
  }

  /** The most predictions starting or processing at one instant, all tokens or one. */
  maxConcurrent(token?: string): number {
    return maxOverlap(
      [...this.predictions.values()]
        .filter((p) => token === undefined || p.token === token)
        .map((p) => ({ start: p.createdAt, end: Math.min(p.endsAt, p.canceledAt ?? Infinity) })),
    );
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const res of this.open) res.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.media.dir, { recursive: true, force: true });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.open.add(res);
    const leave = this.inFlight.enter();
    res.on('close', () => {
      this.open.delete(res);
      leave();
    });
    try {
      await this.route(req, res);
    } catch (error) {
      problem(res, 500, 'Internal Server Error', (error as Error).message);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0];
    const raw = await readRaw(req);
    const record: RecordedProviderRequest = { method, path, headers: req.headers, at: Date.now() };
    this.requests.push(record);
    if (raw.length) {
      try {
        record.json = JSON.parse(raw.toString('utf8'));
      } catch {
        return problem(res, 400, 'Bad Request', 'The request body is not valid JSON.');
      }
    }

    const fileMatch = /^\/files\/([^/]+)$/.exec(path);
    if (method === 'GET' && fileMatch) return this.file(res, fileMatch[1]);

    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !this.options.tokens.includes(token))
      return problem(res, 401, 'Unauthenticated', 'You did not pass a valid authentication token');

    const createMatch = /^\/v1\/models\/([^/]+)\/([^/]+)\/predictions$/.exec(path);
    const fault = this.faults.next({ method, path, token }, (f) =>
      f.kind === 'job-fails' || f.kind === 'missing-output'
        ? Boolean(createMatch) && method === 'POST'
        : f.kind !== 'corrupt-content',
    );
    let outcome: FakePrediction['outcome'] = 'succeeded';
    let failure: string | null = null;
    if (fault) {
      switch (fault.kind) {
        case 'status':
          return problem(
            res,
            fault.status,
            fault.status === 429 ? 'Too Many Requests' : 'Error',
            fault.message ?? `injected ${fault.status}`,
            {},
            fault.retryAfterSec !== undefined ? { 'retry-after': String(fault.retryAfterSec) } : {},
          );
        case 'hang':
          return;
        case 'delay':
          await new Promise((r) => setTimeout(r, fault.ms));
          if (res.destroyed) return;
          break;
        case 'bad-json':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"id": ');
          return;
        case 'job-fails':
          outcome = 'failed';
          failure = fault.message ?? 'Prediction failed: E005 the input was flagged';
          break;
        case 'missing-output':
          outcome = 'missing-output';
          break;
        default:
          break;
      }
    }

    if (method === 'GET' && path === '/v1/account')
      return sendJson(res, 200, { type: 'user', username: 'reelsmith-fake', name: 'Reelsmith Fake', github_url: null });
    if (method === 'POST' && createMatch)
      return this.create(res, `${createMatch[1]}/${createMatch[2]}`, token, record.json, outcome, failure);
    const predictionMatch = /^\/v1\/predictions\/([^/]+)(\/cancel)?$/.exec(path);
    if (predictionMatch) {
      const p = this.predictions.get(decodeURIComponent(predictionMatch[1]));
      if (!p || p.token !== token) return problem(res, 404, 'Not found', 'The requested resource could not be found.');
      if (method === 'POST' && predictionMatch[2]) {
        if (!TERMINAL.has(this.statusOf(p))) {
          p.canceledAt = Date.now();
          this.deliver(p, 'completed');
        }
        return sendJson(res, 200, this.view(p));
      }
      if (method === 'GET' && !predictionMatch[2]) return sendJson(res, 200, this.view(p));
    }
    return problem(res, 404, 'Not found', 'The requested resource could not be found.');
  }

  private create(
    res: ServerResponse,
    model: string,
    token: string,
    body: unknown,
    outcome: FakePrediction['outcome'],
    failure: string | null,
  ): void {
    const schema = this.models[model];
    if (!schema)
      return problem(res, 404, 'Model not found', `The model ${model} does not exist or is not an official model.`);
    const b = (body ?? {}) as Record<string, unknown>;
    const invalid: { type: string; field: string; description: string }[] = [];
    for (const key of Object.keys(b))
      if (!['input', 'webhook', 'webhook_events_filter', 'stream'].includes(key))
        invalid.push({
          type: 'additional_property_not_allowed',
          field: '(root)',
          description: `Additional property ${key} is not allowed`,
        });
    const input = b.input as Record<string, unknown> | undefined;
    if (!input || typeof input !== 'object')
      invalid.push({ type: 'required', field: '(root)', description: 'input is required' });
    const files: FakePrediction['files'] = {};
    const images: Record<string, Buffer> = {};
    for (const [name, field] of Object.entries(schema.inputs)) {
      const value = input?.[name];
      if (value === undefined || value === null) {
        if (field.required) invalid.push({ type: 'required', field: 'input', description: `${name} is required` });
        continue;
      }
      const fail = (description: string) => invalid.push({ type: 'invalid_type', field: `input.${name}`, description });
      if (field.type === 'file') {
        const match = typeof value === 'string' ? /^data:([^;,]+);base64,(.*)$/s.exec(value) : null;
        if (match) {
          const bytes = Buffer.from(match[2], 'base64');
          files[name] = { type: match[1], size: bytes.length, sha256: sha256(bytes) };
          if (isImage(bytes)) images[name] = bytes;
        } else if (typeof value !== 'string' || !/^https?:\/\//.test(value)) fail(`${name} must be a URL or data URL`);
        continue;
      }
      const typeOk =
        (field.type === 'string' && typeof value === 'string') ||
        (field.type === 'integer' && Number.isInteger(value)) ||
        (field.type === 'number' && typeof value === 'number') ||
        (field.type === 'boolean' && typeof value === 'boolean');
      if (!typeOk) fail(`Invalid type. Expected: ${field.type}, given: ${typeof value}`);
      else if (field.enum && !field.enum.includes(value as string | number))
        fail(`${name} must be one of the following: ${field.enum.join(', ')}`);
      else if (
        typeof value === 'number' &&
        ((field.min !== undefined && value < field.min) || (field.max !== undefined && value > field.max))
      )
        fail(`${name} must be between ${field.min} and ${field.max}`);
    }
    for (const name of Object.keys(input ?? {}))
      if (!schema.inputs[name])
        invalid.push({
          type: 'additional_property_not_allowed',
          field: 'input',
          description: `Additional property ${name} is not allowed`,
        });
    if (b.webhook !== undefined && (typeof b.webhook !== 'string' || !/^https?:\/\//.test(b.webhook)))
      invalid.push({ type: 'format', field: 'webhook', description: 'Does not match format uri' });
    if (invalid.length)
      return problem(
        res,
        422,
        'Input validation failed',
        invalid.map((i) => `- ${i.field}: ${i.description}`).join('\n'),
        {
          invalid_fields: invalid,
        },
      );

    const now = Date.now();
    const p: FakePrediction = {
      id: randomBytes(13).toString('hex').slice(0, 26),
      model,
      token,
      input: input!,
      files,
      webhook: typeof b.webhook === 'string' ? b.webhook : null,
      webhookEvents: Array.isArray(b.webhook_events_filter) ? (b.webhook_events_filter as string[]) : null,
      createdAt: now,
      startsAt: now + this.startingMs,
      endsAt: now + this.startingMs + this.processingMs,
      outcome,
      failure,
      canceledAt: null,
    };
    const start = images.start_image ?? images.image;
    if (schema.output === 'video' && (start || images.end_image)) {
      const seconds = typeof input!.duration === 'number' ? input!.duration : 5;
      p.output = this.framedClip(p.id, start ?? null, images.end_image ?? null, seconds);
      p.output.catch(() => undefined);
    }
    if (schema.output === 'image') p.images = this.pictures(p.id, input!);
    this.predictions.set(p.id, p);
    if (p.webhook) {
      if (p.webhookEvents?.includes('start')) this.deliver(p, 'start');
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          if (p.canceledAt === null) this.deliver(p, 'completed');
        },
        p.endsAt - now + 5,
      );
      this.timers.add(timer);
    }
    sendJson(res, 201, this.view(p));
  }

  private statusOf(p: FakePrediction): string {
    if (p.canceledAt !== null) return 'canceled';
    const now = Date.now();
    if (now < p.startsAt) return 'starting';
    if (now < p.endsAt) return 'processing';
    return p.outcome === 'failed' ? 'failed' : 'succeeded';
  }

  /** The prediction object as Replicate's API answers it. */
  private view(p: FakePrediction) {
    const status = this.statusOf(p);
    const kind = this.models[p.model].output;
    const ready = status === 'succeeded' && p.outcome !== 'missing-output' && !this.outputsRemoved;
    // an image model answers a list of files (one per num_outputs), the others one file
    const output = !ready
      ? null
      : kind === 'image'
        ? (p.images ?? []).map((image, i) => `${this.url}/files/${p.id}.${i}.${image.format}`)
        : `${this.url}/files/${p.id}.${kind === 'video' ? 'mp4' : 'wav'}`;
    return {
      id: p.id,
      model: p.model,
      version: 'hidden',
      input: p.input,
      logs: '',
      output,
      data_removed: this.outputsRemoved && status === 'succeeded',
      error: status === 'failed' ? p.failure : null,
      status,
      source: 'api',
      created_at: new Date(p.createdAt).toISOString(),
      started_at: status === 'starting' ? null : new Date(p.startsAt).toISOString(),
      completed_at: TERMINAL.has(status) ? new Date(p.canceledAt ?? p.endsAt).toISOString() : null,
      urls: {
        get: `${this.url}/v1/predictions/${p.id}`,
        cancel: `${this.url}/v1/predictions/${p.id}/cancel`,
        web: `https://replicate.com/p/${p.id}`,
      },
      metrics: TERMINAL.has(status) ? { predict_time: this.processingMs / 1000 } : {},
      ...(p.webhook
        ? { webhook: p.webhook, webhook_events_filter: p.webhookEvents ?? ['start', 'output', 'logs', 'completed'] }
        : {}),
    };
  }

  private file(res: ServerResponse, name: string): void {
    const [, id, index] = /^([^.]+)(?:\.(\d+))?\.\w+$/.exec(name) ?? [];
    const p = this.predictions.get(id ?? '');
    if (!p || this.outputsRemoved || this.statusOf(p) !== 'succeeded' || p.outcome === 'missing-output')
      return problem(res, 404, 'Not found', 'The file does not exist or has expired.');
    const fault = this.faults.next({ method: 'GET', path: `/files/${name}` }, (f) =>
      ['corrupt-content', 'status', 'hang'].includes(f.kind),
    );
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status') return problem(res, fault.status, 'Error', `injected ${fault.status}`);
    if (fault?.kind === 'corrupt-content')
      return sendBytes(res, 200, Buffer.alloc(4096, 3), 'application/octet-stream');
    const image = p.images?.[Number(index ?? 0)];
    if (image) {
      image.bytes.then(
        (bytes) => sendBytes(res, 200, bytes, `image/${image.format === 'jpg' ? 'jpeg' : image.format}`),
        (error: Error) => problem(res, 500, 'Error', `the fake could not render the image: ${error.message}`),
      );
      return;
    }
    if (p.images) return problem(res, 404, 'Not found', 'The file does not exist or has expired.');
    const video = this.models[p.model].output === 'video';
    if (p.output) {
      p.output.then(
        (bytes) => sendBytes(res, 200, bytes, 'video/mp4'),
        (error: Error) => problem(res, 500, 'Error', `the fake could not render the clip: ${error.message}`),
      );
      return;
    }
    sendBytes(res, 200, video ? this.media.mp4 : this.media.wav, video ? 'video/mp4' : 'audio/wav');
  }

  /**
   * What Kling does with `start_image` and `end_image`, in miniature: a clip (at most 640 wide) that
   * opens on the start image and dissolves to end on the end image (one image alone is held), so
   * continuity checks see what a first/last-frame model delivers. Cheap on purpose: the bench sets
   * the model's latency with `processingMs`, and rendering must not add to it.
   */
  private async framedClip(id: string, start: Buffer | null, end: Buffer | null, seconds: number): Promise<Buffer> {
    const dir = join(this.media.dir, `p-${id}`);
    await mkdir(dir, { recursive: true });
    const first = join(dir, 'start.png');
    const last = join(dir, 'end.png');
    const out = join(dir, 'out.mp4');
    await writeFile(first, (start ?? end)!);
    await writeFile(last, (end ?? start)!);
    // Each picture is decoded once and repeated (a looped image input would decode it every frame),
    // at most 640 wide: the adapter scales every clip to the output spec anyway.
    const still = (label: string) =>
      `format=yuv420p,loop=loop=-1:size=1,fps=24,trim=duration=${seconds},setpts=PTS-STARTPTS[${label}]`;
    await (this.options.ffmpeg ?? QUIET_FFMPEG).run({
      inputs: [
        { path: first, options: [] },
        { path: last, options: [] },
      ],
      filterComplex: [
        `[0:v]scale=w='min(640,iw)':h=-2,${still('a')}`,
        '[1:v][a]scale2ref=w=iw:h=ih[b0][a1]',
        `[b0]${still('b')}`,
        `[a1][b]xfade=transition=fade:duration=${seconds - 1 / 24}:offset=0[v]`,
      ].join(';'),
      outputs: [
        {
          path: out,
          options: [
            '-map',
            '[v]',
            '-c:v',
            'libx264',
            '-preset',
            'ultrafast',
            '-crf',
            '16',
            '-r',
            '24',
            '-t',
            String(seconds),
          ],
        },
      ],
    });
    const bytes = await readFile(out);
    await rm(dir, { recursive: true, force: true });
    return bytes;
  }

  /**
   * What FLUX.1 [schnell] answers, in miniature: `num_outputs` pictures at the size its
   * `aspect_ratio` and `megapixels` give, in `output_format`, each a flat colour drawn from the
   * prompt, seed and index (the same inputs give the same picture, as with `go_fast: false`).
   */
  private pictures(id: string, input: Record<string, unknown>): NonNullable<FakePrediction['images']> {
    const [w, h] = FLUX_SCHNELL_SIZES[(input.aspect_ratio as string | undefined) ?? '1:1'];
    const half = input.megapixels === '0.25';
    const width = half ? w / 2 : w;
    const height = half ? h / 2 : h;
    const format = (input.output_format as string | undefined) ?? 'webp';
    const count = (input.num_outputs as number | undefined) ?? 1;
    return Array.from({ length: count }, (_, i) => {
      const colour = sha256(Buffer.from(`${String(input.prompt)}|${String(input.seed ?? '')}|${i}`)).slice(0, 6);
      const path = join(this.media.dir, `p-${id}-${i}.${format}`);
      const bytes = (this.options.ffmpeg ?? QUIET_FFMPEG)
        .run({
          inputs: [{ path: `color=c=0x${colour}:s=${width}x${height}:d=1`, options: ['-f', 'lavfi'] }],
          outputs: [{ path, options: ['-frames:v', '1', '-update', '1'] }],
        })
        .then(() => readFile(path))
        .finally(() => rm(path, { force: true }));
      bytes.catch(() => undefined);
      return { format, width, height, bytes };
    });
  }

  /** POSTs the prediction to its webhook, signed the Standard Webhooks way (retried once on failure). */
  private deliver(p: FakePrediction, event: string): void {
    if (!p.webhook) return;
    const body = JSON.stringify(this.view(p));
    const webhookId = `msg_${randomBytes(12).toString('hex')}`;
    const send = async (attempt: number): Promise<void> => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'webhook-id': webhookId,
        'webhook-timestamp': timestamp,
      };
      if (this.options.webhookSecret) {
        const key = Buffer.from(this.options.webhookSecret.replace(/^whsec_/, ''), 'base64');
        const signature = createHmac('sha256', key).update(`${webhookId}.${timestamp}.${body}`).digest('base64');
        headers['webhook-signature'] = `v1,${signature}`;
      }
      let status: number | null = null;
      try {
        const response = await fetch(p.webhook!, { method: 'POST', headers, body, signal: AbortSignal.timeout(5_000) });
        status = response.status;
        await response.arrayBuffer();
      } catch {
        status = null;
      }
      this.webhooks.push({ predictionId: p.id, url: p.webhook!, status, webhookId, event });
      if ((status === null || status >= 500) && attempt < 2) {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          void send(attempt + 1);
        }, 200);
        this.timers.add(timer);
      }
    };
    void send(1);
  }
}
