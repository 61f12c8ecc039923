import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegRunner } from '@app/media';

// ---------------------------------------------------------------------------------------------
// Shared by the fake provider servers: faults, request records, concurrency, sample media.
// ---------------------------------------------------------------------------------------------

/** Deterministic PRNG (mulberry32), so a "30% of calls fail" run fails the same calls every time. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a fake does instead of answering normally. */
export type Fault =
  /** an error status with the provider's error body (and Retry-After when given) */
  | { kind: 'status'; status: number; retryAfterSec?: number; message?: string }
  /** never answers: the client's timeout must fire */
  | { kind: 'hang' }
  /** answers normally, late */
  | { kind: 'delay'; ms: number }
  /** 200 with a body that is not JSON */
  | { kind: 'bad-json' }
  /** downloads only: 200 with bytes that are not a video or audio file */
  | { kind: 'corrupt-content' }
  /** creates only: the job is accepted and later fails with this reason */
  | { kind: 'job-fails'; message?: string }
  /** Replicate creates only: the prediction succeeds with no output file */
  | { kind: 'missing-output' };

export interface FaultTarget {
  method: string;
  path: string;
  /** the bearer token, where the provider has them */
  token?: string;
}

type FaultMatch = (target: FaultTarget) => boolean;

/** Scripted faults (the next N matching calls) and a seeded random fault rate. */
export class FaultPlan {
  private readonly scripted: { fault: Fault; left: number; match: FaultMatch }[] = [];
  private random: { rate: number; next: () => number; faults: Fault[]; match: FaultMatch } | null = null;
  readonly injected: { fault: Fault; target: FaultTarget }[] = [];

  /** The next `times` calls that `match` (default: all) get `fault`. */
  inject(fault: Fault, options: { times?: number; match?: FaultMatch } = {}): this {
    this.scripted.push({ fault, left: options.times ?? 1, match: options.match ?? (() => true) });
    return this;
  }

  /** Each matching call fails with probability `rate`, with one of `faults` (seeded). */
  setRandom(options: { rate: number; seed: number; faults: Fault[]; match?: FaultMatch } | null): this {
    this.random = options
      ? {
          rate: options.rate,
          next: seededRandom(options.seed),
          faults: options.faults,
          match: options.match ?? (() => true),
        }
      : null;
    return this;
  }

  clear(): void {
    this.scripted.length = 0;
    this.random = null;
  }

  next(target: FaultTarget, applicable: (fault: Fault) => boolean): Fault | null {
    const entry = this.scripted.find((s) => s.left > 0 && s.match(target) && applicable(s.fault));
    let fault: Fault | null = null;
    if (entry) {
      entry.left--;
      fault = entry.fault;
    } else if (this.random?.match(target)) {
      const roll = this.random.next();
      const pick = this.random.next();
      if (roll < this.random.rate) {
        const options = this.random.faults.filter(applicable);
        if (options.length) fault = options[Math.floor(pick * options.length)];
      }
    }
    if (fault) this.injected.push({ fault, target });
    return fault;
  }
}

/** Requests answered at the same time, and the most ever seen. */
export class InFlightGauge {
  now = 0;
  max = 0;

  enter(): () => void {
    this.now++;
    this.max = Math.max(this.max, this.now);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.now--;
    };
  }
}

/** The largest number of [start, end) intervals covering one instant (ends may be open: Infinity). */
export function maxOverlap(intervals: readonly { start: number; end: number }[]): number {
  let best = 0;
  for (const { start } of intervals) {
    const live = intervals.filter((i) => i.start <= start && start < i.end).length;
    best = Math.max(best, live);
  }
  return best;
}

export interface RecordedFile {
  filename: string;
  type: string;
  size: number;
  sha256: string;
}

export interface RecordedProviderRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** multipart text fields */
  fields?: Record<string, string>;
  /** multipart files */
  files?: Record<string, RecordedFile>;
  /** JSON body */
  json?: unknown;
  at: number;
}

export async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendBytes(res: ServerResponse, status: number, bytes: Buffer, type: string): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'content-type': type, 'content-length': bytes.length });
  res.end(bytes);
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Real media the fakes serve: a short H.264 MP4 (testsrc2), a PNG and a WAV, made once per server with ffmpeg. */
export interface SampleMedia {
  dir: string;
  mp4: Buffer;
  png: Buffer;
  wav: Buffer;
  mp4DurationSec: number;
}

export async function makeSampleMedia(
  ffmpeg: FfmpegRunner,
  options: { clipSec?: number; size?: string; fps?: number; audioSec?: number } = {},
): Promise<SampleMedia> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-provider-'));
  const clipSec = options.clipSec ?? 3;
  const size = options.size ?? '320x180';
  const fps = options.fps ?? 24;
  const mp4 = join(dir, 'clip.mp4');
  const png = join(dir, 'frame.png');
  const wav = join(dir, 'audio.wav');
  await ffmpeg.run({
    inputs: [{ path: `testsrc2=s=${size}:r=${fps}:d=${clipSec}`, options: ['-f', 'lavfi'] }],
    outputs: [
      {
        path: mp4,
        options: ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart'],
      },
    ],
  });
  await ffmpeg.run({
    inputs: [{ path: `testsrc2=s=${size}:r=1:d=1`, options: ['-f', 'lavfi'] }],
    outputs: [{ path: png, options: ['-frames:v', '1', '-update', '1'] }],
  });
  await ffmpeg.run({
    inputs: [
      { path: `sine=frequency=330:sample_rate=44100:duration=${options.audioSec ?? 4}`, options: ['-f', 'lavfi'] },
    ],
    outputs: [{ path: wav, options: ['-ac', '2', '-c:a', 'pcm_s16le'] }],
  });
  return {
    dir,
    mp4: await readFile(mp4),
    png: await readFile(png),
    wav: await readFile(wav),
    mp4DurationSec: clipSec,
  };
}

export const QUIET_FFMPEG = new FfmpegRunner({ logger: { log: () => undefined, error: () => undefined } });

// ---------------------------------------------------------------------------------------------
// The vLLM-Omni fake
// ---------------------------------------------------------------------------------------------

/**
 * The multipart fields POST /v1/videos takes (vLLM-Omni Videos API: OpenAI-style fields plus the
 * diffusion extensions) and how each is checked. Anything else is refused, so a misspelt field
 * fails a test instead of being silently ignored.
 */
const VIDEO_FIELDS: Record<string, 'string' | 'int' | 'number' | 'bool' | 'json' | 'file' | RegExp> = {
  prompt: 'string',
  model: 'string',
  seconds: /^[1-9]\d*$/,
  size: /^\d+x\d+$/,
  user: 'string',
  input_reference: 'file',
  control_reference: 'file',
  control_type: 'string',
  image_reference: 'json',
  video_reference: 'json',
  audio_reference: 'json',
  width: 'int',
  height: 'int',
  num_frames: 'int',
  fps: 'int',
  num_inference_steps: 'int',
  guidance_scale: 'number',
  guidance_scale_2: 'number',
  boundary_ratio: 'number',
  flow_shift: 'number',
  true_cfg_scale: 'number',
  seed: 'int',
  generate_sound: 'bool',
  sound_duration: 'number',
  negative_prompt: 'string',
  enable_frame_interpolation: 'bool',
  frame_interpolation_exp: 'int',
  frame_interpolation_scale: 'number',
  frame_interpolation_model_path: 'string',
  lora: 'json',
  extra_params: 'json',
};

const IMAGE_FIELDS = new Set([
  'prompt',
  'model',
  'n',
  'size',
  'response_format',
  'user',
  'negative_prompt',
  'num_inference_steps',
  'guidance_scale',
  'true_cfg_scale',
  'infer_align_image_size',
  'seed',
]);

const SPEECH_FIELDS = new Set([
  'input',
  'model',
  'voice',
  'response_format',
  'speed',
  'task_type',
  'language',
  'instructions',
  'max_new_tokens',
  'initial_codec_chunk_frames',
  'non_streaming_mode',
  'stream',
  'stream_format',
  'ref_audio',
  'ref_text',
  'x_vector_only_mode',
]);

interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
}

export interface FakeVideoJob {
  id: string;
  model: string;
  prompt: string;
  fields: Record<string, string>;
  inputReference: RecordedFile | null;
  createdAt: number;
  /** when it becomes in_progress and completed (or failed) */
  startsAt: number;
  endsAt: number;
  failure: string | null;
  deletedAt: number | null;
}

export interface FakeVllmOmniOptions {
  /** the one model this server runs (a vLLM-Omni server serves exactly one) */
  model?: string;
  queuedMs?: number;
  runMs?: number;
  ffmpeg?: FfmpegRunner;
  /** length of the clip every job returns */
  clipSec?: number;
  /**
   * Each job's clip depends on what it was asked, as a real model's does: the sample with a small
   * mark placed by a hash of its prompt, seed and input frame (otherwise every job returns the same
   * clip, so a changed prompt leaves the last frame, and every scene seeded from it, the same). The
   * mark is small, so chained clips still pass the continuity check.
   */
  distinctClips?: boolean;
}

/**
 * A local server speaking vLLM-Omni's published HTTP contract: the async Videos API
 * (POST/GET/DELETE /v1/videos, the list GET /v1/videos, GET /v1/videos/{id}/content), image generation, speech and
 * /v1/models. Jobs go queued -> in_progress -> completed on a clock; every request is recorded; faults
 * are scripted or drawn at a seeded rate; concurrency (requests and running jobs) is measured.
 */
export class FakeVllmOmniServer {
  readonly requests: RecordedProviderRequest[] = [];
  readonly jobs = new Map<string, FakeVideoJob>();
  readonly faults = new FaultPlan();
  readonly inFlight = new InFlightGauge();
  readonly model: string;
  private readonly open = new Set<ServerResponse>();
  private queuedMs: number;
  private runMs: number;
  private readonly distinct = new Map<string, Promise<Buffer>>();

  private constructor(
    private readonly server: Server,
    private readonly media: SampleMedia,
    private readonly options: FakeVllmOmniOptions,
  ) {
    this.model = options.model ?? 'Wan-AI/Wan2.2-TI2V-5B-Diffusers';
    this.queuedMs = options.queuedMs ?? 50;
    this.runMs = options.runMs ?? 300;
  }

  static async start(options: FakeVllmOmniOptions = {}): Promise<FakeVllmOmniServer> {
    const media = await makeSampleMedia(options.ffmpeg ?? QUIET_FFMPEG, { clipSec: options.clipSec });
    let instance: FakeVllmOmniServer | null = null;
    const server = createServer((req, res) => void instance!.handle(req, res));
    instance = new FakeVllmOmniServer(server, media, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  /** Base URL as VLLM_OMNI_BASE_URL takes it (no /v1). */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get sample(): SampleMedia {
    return this.media;
  }

  setTiming(timing: { queuedMs?: number; runMs?: number }): void {
    this.queuedMs = timing.queuedMs ?? this.queuedMs;
    this.runMs = timing.runMs ?? this.runMs;
  }

  /** Accepted POST /v1/videos calls (jobs created). */
  get createCount(): number {
    return this.jobs.size;
  }

  requestsTo(method: string, pathPattern: RegExp): RecordedProviderRequest[] {
    return this.requests.filter((r) => r.method === method && pathPattern.test(r.path));
  }

  /** The most jobs that were queued or running at one instant. */
  get maxConcurrentJobs(): number {
    return maxOverlap(
      [...this.jobs.values()].map((j) => ({ start: j.createdAt, end: Math.min(j.endsAt, j.deletedAt ?? Infinity) })),
    );
  }

  reset(): void {
    this.requests.length = 0;
    this.jobs.clear();
    this.faults.clear();
    this.faults.injected.length = 0;
    this.inFlight.max = this.inFlight.now;
  }

  async close(): Promise<void> {
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
      sendJson(res, 500, { detail: `fake server error: ${(error as Error).message}` });
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0];
    const raw = await readRaw(req);
    const record: RecordedProviderRequest = { method, path, headers: req.headers, at: Date.now() };
    this.requests.push(record);

    let form: FormData | null = null;
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      try {
        form = await new Request('http://fake', {
          method: 'POST',
          headers: { 'content-type': type },
          body: new Uint8Array(raw),
        }).formData();
      } catch {
        return sendJson(res, 400, { detail: 'There was an error parsing the body' });
      }
      record.fields = {};
      record.files = {};
      for (const [name, value] of form.entries()) {
        if (typeof value === 'string') record.fields[name] = value;
        else {
          const bytes = Buffer.from(await value.arrayBuffer());
          record.files[name] = { filename: value.name, type: value.type, size: bytes.length, sha256: sha256(bytes) };
        }
      }
    } else if (raw.length) {
      try {
        record.json = JSON.parse(raw.toString('utf8'));
      } catch {
        return sendJson(res, 422, { detail: [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error' }] });
      }
    }

    const target = { method, path };
    const isContent = /^\/v1\/videos\/[^/]+\/content$/.test(path);
    const isCreate = method === 'POST' && path === '/v1/videos';
    const fault = this.faults.next(target, (f) => {
      if (f.kind === 'corrupt-content') return isContent;
      if (f.kind === 'job-fails') return isCreate;
      return f.kind !== 'missing-output';
    });
    let jobFailure: string | null = null;
    if (fault) {
      switch (fault.kind) {
        case 'status':
          return sendJson(
            res,
            fault.status,
            { detail: fault.message ?? `injected ${fault.status}` },
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
          res.end('{"id": "video_gen_');
          return;
        case 'corrupt-content':
          return sendBytes(
            res,
            200,
            Buffer.concat([this.media.mp4.subarray(0, 64), Buffer.alloc(2048, 7)]),
            'video/mp4',
          );
        case 'job-fails':
          jobFailure = fault.message ?? 'CUDA out of memory';
          break;
        default:
          break;
      }
    }

    if (method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: [{ id: this.model, object: 'model', created: 0, owned_by: 'vllm-omni', root: this.model }],
      });
    }
    if (isCreate) return this.createVideo(res, form, record, jobFailure);
    if (method === 'GET' && path === '/v1/videos') return this.listVideos(res, new URL(req.url ?? '/', 'http://fake'));
    const videoMatch = /^\/v1\/videos\/([^/]+)(\/content)?$/.exec(path);
    if (videoMatch) {
      const job = this.jobs.get(decodeURIComponent(videoMatch[1]));
      if (!job || job.deletedAt !== null) return sendJson(res, 404, { detail: `Video ${videoMatch[1]} not found` });
      if (method === 'DELETE' && !videoMatch[2]) {
        job.deletedAt = Date.now();
        return sendJson(res, 200, { id: job.id, deleted: true, object: 'video.deleted' });
      }
      if (method === 'GET' && videoMatch[2]) {
        if (this.statusOf(job).status !== 'completed')
          return sendJson(res, 400, { detail: `Video ${job.id} is not completed` });
        return sendBytes(res, 200, await this.clipOf(job), 'video/mp4');
      }
      if (method === 'GET') return sendJson(res, 200, this.recordOf(job));
    }
    if (method === 'POST' && path === '/v1/images/generations') return this.image(res, record.json);
    if (method === 'POST' && path === '/v1/images/edits') return this.imageEdit(res, form);
    if (method === 'POST' && path === '/v1/audio/speech') return this.speech(res, record.json);
    return sendJson(res, 404, { detail: 'Not Found' });
  }

  private createVideo(
    res: ServerResponse,
    form: FormData | null,
    record: RecordedProviderRequest,
    failure: string | null,
  ): void {
    if (!form) {
      return sendJson(res, 422, {
        detail: [{ type: 'missing', loc: ['body', 'prompt'], msg: 'Field required (multipart/form-data expected)' }],
      });
    }
    const issues: ValidationIssue[] = [];
    const fields: Record<string, string> = {};
    let inputReference: RecordedFile | null = null;
    for (const [name, value] of form.entries()) {
      const rule = VIDEO_FIELDS[name];
      if (!rule) {
        issues.push({
          type: 'extra_forbidden',
          loc: ['body', name],
          msg: 'Extra inputs are not permitted',
          input: value,
        });
        continue;
      }
      if (rule === 'file') {
        if (typeof value === 'string')
          issues.push({ type: 'value_error', loc: ['body', name], msg: 'Expected UploadFile' });
        else if (!/^(image|video)\//.test(value.type))
          issues.push({ type: 'value_error', loc: ['body', name], msg: `unsupported media type ${value.type}` });
        else if (name === 'input_reference') inputReference = record.files?.[name] ?? null;
        continue;
      }
      if (typeof value !== 'string') {
        issues.push({ type: 'string_type', loc: ['body', name], msg: 'Input should be a valid string' });
        continue;
      }
      fields[name] = value;
      const bad =
        (rule === 'int' && !/^-?\d+$/.test(value)) ||
        (rule === 'number' && !Number.isFinite(Number(value))) ||
        (rule === 'bool' && !/^(true|false|0|1)$/i.test(value)) ||
        (rule instanceof RegExp && !rule.test(value)) ||
        (rule === 'json' && !isJson(value));
      if (bad)
        issues.push({ type: 'value_error', loc: ['body', name], msg: `invalid ${String(rule)} value`, input: value });
    }
    if (!fields.prompt) issues.push({ type: 'missing', loc: ['body', 'prompt'], msg: 'Field required' });
    const steps = Number(fields.num_inference_steps ?? 1);
    if (steps < 1 || steps > 200)
      issues.push({ type: 'less_than_equal', loc: ['body', 'num_inference_steps'], msg: 'out of range' });
    if (issues.length) return sendJson(res, 422, { detail: issues });
    if (fields.model && fields.model !== this.model)
      return sendJson(res, 400, { detail: `Model mismatch: this server runs ${this.model}, not ${fields.model}` });

    const now = Date.now();
    const job: FakeVideoJob = {
      id: `video_gen_${randomUUID().replace(/-/g, '')}`,
      model: this.model,
      prompt: fields.prompt,
      fields,
      inputReference,
      createdAt: now,
      startsAt: now + this.queuedMs,
      endsAt: now + this.queuedMs + this.runMs,
      failure,
      deletedAt: null,
    };
    this.jobs.set(job.id, job);
    sendJson(res, 200, this.recordOf(job));
  }

  private clipOf(job: FakeVideoJob): Promise<Buffer> {
    if (!this.options.distinctClips) return Promise.resolve(this.media.mp4);
    let clip = this.distinct.get(job.id);
    if (!clip) {
      const what = `${job.prompt}|${job.fields.seed ?? ''}|${job.inputReference?.sha256 ?? ''}`;
      const hash = createHash('sha256').update(what).digest();
      const mark = `drawbox=x=${hash.readUInt16BE(0) % 280}:y=${hash.readUInt16BE(2) % 140}:w=12:h=12:color=white:t=fill`;
      const out = join(this.media.dir, `${job.id}.mp4`);
      clip = (this.options.ffmpeg ?? QUIET_FFMPEG)
        .run({
          inputs: [{ path: join(this.media.dir, 'clip.mp4'), options: [] }],
          outputs: [
            {
              path: out,
              options: ['-vf', mark, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
            },
          ],
        })
        .then(() => readFile(out));
      this.distinct.set(job.id, clip);
    }
    return clip;
  }

  private statusOf(job: FakeVideoJob): { status: string; progress: number } {
    const now = Date.now();
    if (now < job.startsAt) return { status: 'queued', progress: 0 };
    if (now < job.endsAt)
      return {
        status: 'in_progress',
        progress: Math.floor((100 * (now - job.startsAt)) / (job.endsAt - job.startsAt)),
      };
    return job.failure ? { status: 'failed', progress: 100 } : { status: 'completed', progress: 100 };
  }

  /**
   * GET /v1/videos: the stored jobs as a VideoListResponse, newest first unless `order=asc`, `limit`
   * (1-100, default 20) at a time after the job `after` names.
   */
  private listVideos(res: ServerResponse, url: URL): void {
    const limit = Math.min(100, Math.max(1, Number(url.searchParams.get('limit') ?? 20) || 20));
    const live = [...this.jobs.values()].filter((j) => j.deletedAt === null);
    live.sort((a, b) => a.createdAt - b.createdAt);
    if (url.searchParams.get('order') !== 'asc') live.reverse();
    const after = url.searchParams.get('after');
    const from = after ? live.findIndex((j) => j.id === after) + 1 : 0;
    const page = live.slice(from, from + limit).map((j) => this.recordOf(j));
    sendJson(res, 200, {
      object: 'list',
      data: page,
      first_id: page[0]?.id ?? null,
      last_id: page.at(-1)?.id ?? null,
      has_more: from + limit < live.length,
    });
  }

  /** The VideoResponse record vLLM-Omni answers for a job. */
  private recordOf(job: FakeVideoJob) {
    const { status, progress } = this.statusOf(job);
    const width = Number(job.fields.width ?? 0);
    const height = Number(job.fields.height ?? 0);
    return {
      id: job.id,
      object: 'video',
      model: job.model,
      prompt: job.prompt,
      status,
      progress,
      size: width && height ? `${width}x${height}` : null,
      seconds: String(Math.max(1, Math.round(Number(job.fields.num_frames ?? 24) / Number(job.fields.fps ?? 24)))),
      quality: 'default',
      created_at: Math.floor(job.createdAt / 1000),
      completed_at: status === 'completed' || status === 'failed' ? Math.floor(job.endsAt / 1000) : null,
      error: status === 'failed' ? { code: 'generation_failed', message: job.failure } : null,
      media_type: 'video/mp4',
      file_name: status === 'completed' ? `${job.id}.mp4` : null,
    };
  }

  private image(res: ServerResponse, body: unknown): void {
    const b = body as Record<string, unknown> | undefined;
    const unknown = Object.keys(b ?? {}).filter((k) => !IMAGE_FIELDS.has(k));
    if (!b || typeof b.prompt !== 'string' || unknown.length)
      return sendJson(res, 422, {
        detail: [
          ...(typeof b?.prompt === 'string'
            ? []
            : [{ type: 'missing', loc: ['body', 'prompt'], msg: 'Field required' }]),
          ...unknown.map((k) => ({ type: 'extra_forbidden', loc: ['body', k], msg: 'Extra inputs are not permitted' })),
        ],
      });
    if (b.size !== undefined && !/^\d+x\d+$/.test(String(b.size)))
      return sendJson(res, 400, {
        detail: `Invalid size format: '${String(b.size)}'. Expected format: 'WIDTHxHEIGHT'`,
      });
    sendJson(res, 200, {
      created: Math.floor(Date.now() / 1000),
      data: [{ b64_json: this.media.png.toString('base64'), url: null, revised_prompt: null }],
    });
  }

  /** POST /v1/images/edits: multipart, `image` (PNG/JPEG file) required, `mask` optional, the image fields besides. */
  private imageEdit(res: ServerResponse, form: FormData | null): void {
    if (!form)
      return sendJson(res, 422, { detail: [{ type: 'missing', loc: ['body', 'image'], msg: 'multipart expected' }] });
    const issues: ValidationIssue[] = [];
    for (const [name, value] of form.entries()) {
      if (name === 'image' || name === 'mask') {
        if (typeof value === 'string' || !/^image\/(png|jpeg)$/.test(value.type))
          issues.push({ type: 'value_error', loc: ['body', name], msg: 'Expected a PNG or JPEG UploadFile' });
      } else if (!IMAGE_FIELDS.has(name))
        issues.push({
          type: 'extra_forbidden',
          loc: ['body', name],
          msg: 'Extra inputs are not permitted',
          input: value,
        });
    }
    if (!form.get('image')) issues.push({ type: 'missing', loc: ['body', 'image'], msg: 'Field required' });
    if (typeof form.get('prompt') !== 'string')
      issues.push({ type: 'missing', loc: ['body', 'prompt'], msg: 'Field required' });
    if (issues.length) return sendJson(res, 422, { detail: issues });
    sendJson(res, 200, {
      created: Math.floor(Date.now() / 1000),
      data: [{ b64_json: this.media.png.toString('base64'), url: null, revised_prompt: null }],
    });
  }

  private speech(res: ServerResponse, body: unknown): void {
    const b = body as Record<string, unknown> | undefined;
    const unknown = Object.keys(b ?? {}).filter((k) => !SPEECH_FIELDS.has(k));
    if (!b || typeof b.input !== 'string' || !b.input || unknown.length)
      return sendJson(res, 422, {
        detail: [
          ...(typeof b?.input === 'string' ? [] : [{ type: 'missing', loc: ['body', 'input'], msg: 'Field required' }]),
          ...unknown.map((k) => ({ type: 'extra_forbidden', loc: ['body', k], msg: 'Extra inputs are not permitted' })),
        ],
      });
    if (b.response_format !== undefined && b.response_format !== 'wav')
      return sendJson(res, 400, { detail: 'the fake answers wav only' });
    sendBytes(res, 200, this.media.wav, 'audio/wav');
  }
}

function isJson(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}
