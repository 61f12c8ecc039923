import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type FfmpegRunner } from '@app/media';
import {
  FaultPlan,
  InFlightGauge,
  maxOverlap,
  QUIET_FFMPEG,
  readRaw,
  type RecordedProviderRequest,
  sendBytes,
  sendJson,
  sha256,
} from './fake-vllm-omni.server';

const run = promisify(execFile);

/** What a Video2World request started from, as the fake received it. */
export interface FakeCosmosInput {
  field: 'image' | 'video';
  via: 'inline' | 'asset';
  type: string;
  size: number;
  sha256: string;
}

export interface FakeCosmosRequest {
  /** the NVCF-REQID */
  id: string;
  model: string;
  key: string;
  body: Record<string, unknown>;
  input: FakeCosmosInput | null;
  createdAt: number;
  endsAt: number;
  /** the function's refusal, answered by the status endpoint once the request ends */
  failure: string | null;
  corrupt: boolean;
  statusPolls: number;
  output: Promise<Buffer>;
}

export interface FakeCosmosAsset {
  id: string;
  key: string;
  contentType: string;
  description: string;
  bytes: Buffer | null;
  deleted: boolean;
}

export interface FakeNvidiaCosmosOptions {
  /** `nvapi-…` keys the fake accepts; anything else is 401 */
  keys: string[];
  ffmpeg?: FfmpegRunner;
  /** how long a request runs before its result is there */
  processingMs?: number;
  /** catalogue models served at /v1/cosmos/{model} */
  models?: string[];
  /** video_params the model takes (NVIDIA's examples: 1280x704, 121 frames, 24 fps) */
  sizes?: string[];
  frameCounts?: number[];
  fps?: number[];
  /** requests one key may have running (the catalogue: one) */
  concurrencyPerKey?: number;
  /** results whose JSON is larger come back as a 302 to a ZIP (NVCF-MAX-RESPONSE-SIZE-BYTES, 5 MB by default) */
  maxResponseBytes?: number;
  /** what such a ZIP holds: the function's JSON answer as `<id>_result.json` (NVIDIA's helpers), or the MP4 */
  archiveContent?: 'json' | 'mp4';
}

const SEEDS_MAX = 4294967295;
const BODY_FIELDS = new Set([
  'prompt',
  'negative_prompt',
  'prompt_upsampling',
  'seed',
  'guidance_scale',
  'steps',
  'video_params',
  'image',
  'video',
]);

function problem(
  res: ServerResponse,
  status: number,
  title: string,
  detail: unknown,
  headers: Record<string, string> = {},
) {
  sendJson(
    res,
    status,
    { type: 'about:blank', title, status, detail },
    { ...headers, 'content-type': 'application/problem+json' },
  );
}

function isPicture(bytes: Buffer): boolean {
  return (
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ||
    (bytes[0] === 0xff && bytes[1] === 0xd8)
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * A local server speaking the NVIDIA API catalogue's Cosmos contract behind NVIDIA Cloud Functions:
 * POST /v1/cosmos/{publisher}/{model} with NIM for Cosmos' JSON body (checked field by field) answers
 * 202 + NVCF-REQID, or 200 with the result when it ends within the NVCF-POLL-SECONDS the caller
 * allows; GET /v2/nvcf/pexec/status/{id} answers 202 (with NVCF-PERCENT-COMPLETE) until it ends,
 * then 200 `{b64_video, upsampled_prompt, seed}`, or a 302 to a ZIP of the result when it is larger
 * than NVCF returns inline. Input assets go through POST /v2/nvcf/assets and a presigned PUT, and are
 * named in NVCF-INPUT-ASSET-REFERENCES. One request per key runs at a time (a second is 429); every
 * request is recorded; 429 storms, 5xx and failures can be scripted; the result is a real MP4 made
 * by ffmpeg at the requested size, rate and frame count (a seeded request holds its first frame).
 */
export class FakeNvidiaCosmosServer {
  readonly requests: RecordedProviderRequest[] = [];
  readonly invocations = new Map<string, FakeCosmosRequest>();
  readonly assets = new Map<string, FakeCosmosAsset>();
  readonly faults = new FaultPlan();
  readonly inFlight = new InFlightGauge();
  /** 429s answered because the key already had a request running */
  busyRejections = 0;
  private readonly open = new Set<ServerResponse>();
  private readonly archives = new Map<string, Promise<Buffer>>();
  private processingMs: number;

  private constructor(
    private readonly server: Server,
    private readonly dir: string,
    private readonly options: FakeNvidiaCosmosOptions,
  ) {
    this.processingMs = options.processingMs ?? 300;
  }

  static async start(options: FakeNvidiaCosmosOptions): Promise<FakeNvidiaCosmosServer> {
    const dir = await mkdtemp(join(tmpdir(), 'fake-cosmos-'));
    let instance: FakeNvidiaCosmosServer | null = null;
    const server = createServer((req, res) => void instance!.handle(req, res));
    instance = new FakeNvidiaCosmosServer(server, dir, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  /** Base URL as NVIDIA_BASE_URL and NVCF_BASE_URL take it: the fake serves both hosts' paths. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  setProcessingMs(ms: number): void {
    this.processingMs = ms;
  }

  /** The next `times` invocations with `key` answer 429 (with Retry-After when given). */
  throttleKey(key: string, times: number, retryAfterSec?: number): void {
    this.faults.inject(
      { kind: 'status', status: 429, retryAfterSec, message: 'Too many requests: rate limit exceeded' },
      { times, match: (t) => t.token === key && t.method === 'POST' && t.path.startsWith('/v1/cosmos/') },
    );
  }

  /** Accepted invocations (those that answered 202 or 200): what was paid for. */
  get createCount(): number {
    return this.invocations.size;
  }

  requestsTo(method: string, pathPattern: RegExp): RecordedProviderRequest[] {
    return this.requests.filter((r) => r.method === method && pathPattern.test(r.path));
  }

  /** The most requests running at one instant, all keys or one. */
  maxConcurrent(key?: string): number {
    return maxOverlap(
      [...this.invocations.values()]
        .filter((r) => key === undefined || r.key === key)
        .map((r) => ({ start: r.createdAt, end: r.endsAt })),
    );
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.invocations.values()].map((r) => r.output.catch(() => undefined)));
    await rm(this.dir, { recursive: true, force: true });
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

    // presigned storage URLs: S3 refuses a second auth mechanism, so our key must never come along
    const upload = /^\/s3\/nvcf-assets\/([^/]+)$/.exec(path);
    const archive = /^\/results\/([^/]+)\.zip$/.exec(path);
    if (upload || archive) {
      if (req.headers.authorization)
        return problem(res, 400, 'InvalidArgument', 'Only one auth mechanism allowed; the URL is already signed');
      if (upload && method === 'PUT') return this.receiveAsset(req, res, decodeURIComponent(upload[1]), raw);
      if (archive && method === 'GET') return this.sendArchive(res, decodeURIComponent(archive[1]));
      return problem(res, 405, 'Method Not Allowed', `${method} ${path}`);
    }

    if (raw.length && /json/.test(req.headers['content-type'] ?? '')) {
      try {
        record.json = JSON.parse(raw.toString('utf8'));
      } catch {
        return problem(res, 400, 'Bad Request', 'The request body is not valid JSON.');
      }
    }
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!key || !this.options.keys.includes(key)) return problem(res, 401, 'Unauthorized', 'Authentication failed');

    const fault = this.faults.next({ method, path, token: key }, (f) =>
      f.kind === 'job-fails' || f.kind === 'corrupt-content'
        ? method === 'POST' && path.startsWith('/v1/cosmos/')
        : true,
    );
    let failure: string | null = null;
    let corrupt = false;
    if (fault) {
      switch (fault.kind) {
        case 'status':
          return problem(
            res,
            fault.status,
            fault.status === 429 ? 'Too Many Requests' : 'Error',
            fault.message ?? `injected ${fault.status}`,
            fault.retryAfterSec !== undefined ? { 'retry-after': String(fault.retryAfterSec) } : {},
          );
        case 'hang':
          return;
        case 'delay':
          await sleep(fault.ms);
          if (res.destroyed) return;
          break;
        case 'bad-json':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"b64_video": ');
          return;
        case 'job-fails':
          failure = fault.message ?? 'Guardrail: the prompt was blocked by the safety check';
          break;
        case 'corrupt-content':
          corrupt = true;
          break;
        default:
          break;
      }
    }

    const invoke = /^\/v1\/cosmos\/(.+)$/.exec(path);
    if (invoke && method === 'POST')
      return this.invoke(req, res, decodeURIComponent(invoke[1]), key, record.json, failure, corrupt);
    const status = /^\/v2\/nvcf\/pexec\/status\/([^/]+)$/.exec(path);
    if (status && method === 'GET') return this.status(req, res, decodeURIComponent(status[1]), key);
    if (path === '/v2/nvcf/assets' && method === 'POST') return this.createAsset(res, key, record.json);
    if (path === '/v2/nvcf/assets' && method === 'GET')
      return sendJson(res, 200, {
        assets: [...this.assets.values()]
          .filter((a) => a.key === key && !a.deleted)
          .map((a) => ({ assetId: a.id, contentType: a.contentType, description: a.description })),
      });
    const asset = /^\/v2\/nvcf\/assets\/([^/]+)$/.exec(path);
    if (asset && method === 'DELETE') {
      const found = this.assets.get(decodeURIComponent(asset[1]));
      if (!found || found.key !== key || found.deleted) return problem(res, 404, 'Not Found', 'Asset not found');
      found.deleted = true;
      res.writeHead(204).end();
      return;
    }
    return problem(res, 404, 'Not Found', `${method} ${path}`);
  }

  private async invoke(
    req: IncomingMessage,
    res: ServerResponse,
    model: string,
    key: string,
    json: unknown,
    failure: string | null,
    corrupt: boolean,
  ): Promise<void> {
    if (!(this.options.models ?? ['nvidia/cosmos-predict1-7b']).includes(model))
      return problem(res, 404, 'Not Found', `Function for ${model} not found for account`);
    const now = Date.now();
    const running = [...this.invocations.values()].filter((r) => r.key === key && r.endsAt > now).length;
    if (running >= (this.options.concurrencyPerKey ?? 1)) {
      this.busyRejections++;
      return problem(res, 429, 'Too Many Requests', 'This API key already has a request in progress');
    }
    const refs = String(req.headers['nvcf-input-asset-references'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const checked = this.checkBody(json, key, refs);
    if ('issues' in checked) return sendJson(res, 422, { detail: checked.issues });

    const body = json as Record<string, unknown>;
    const params = body.video_params as Record<string, number>;
    const request: FakeCosmosRequest = {
      id: randomUUID(),
      model,
      key,
      body,
      input: checked.input,
      createdAt: now,
      endsAt: now + this.processingMs,
      failure,
      corrupt,
      statusPolls: 0,
      output: this.render(checked.picture, params.width, params.height, params.frames_per_sec, params.frames_count),
    };
    request.output.catch(() => undefined);
    this.invocations.set(request.id, request);
    await this.hold(req, request);
    return this.answer(res, request);
  }

  private async status(req: IncomingMessage, res: ServerResponse, id: string, key: string): Promise<void> {
    const request = this.invocations.get(id);
    if (!request || request.key !== key) return problem(res, 404, 'Not Found', `Request ${id} not found`);
    request.statusPolls++;
    await this.hold(req, request);
    return this.answer(res, request);
  }

  /** NVCF-POLL-SECONDS: the gateway waits up to that long for the result before answering 202. */
  private async hold(req: IncomingMessage, request: FakeCosmosRequest): Promise<void> {
    const seconds = Number(req.headers['nvcf-poll-seconds'] ?? 0);
    if (seconds > 0) await sleep(Math.min(seconds * 1000, request.endsAt - Date.now()));
  }

  private async answer(res: ServerResponse, request: FakeCosmosRequest): Promise<void> {
    if (res.destroyed) return;
    const headers = { 'nvcf-reqid': request.id };
    const now = Date.now();
    if (now < request.endsAt) {
      const percent = Math.floor((100 * (now - request.createdAt)) / (request.endsAt - request.createdAt));
      res.writeHead(202, { ...headers, 'nvcf-status': 'in-progress', 'nvcf-percent-complete': String(percent) });
      res.end();
      return;
    }
    if (request.failure) return problem(res, 400, 'Bad Request', request.failure, headers);
    const video = request.corrupt ? Buffer.alloc(4096, 7) : await request.output;
    const text = JSON.stringify({
      b64_video: video.toString('base64'),
      upsampled_prompt: request.body.prompt,
      seed: request.body.seed ?? 0,
    });
    if (Buffer.byteLength(text) > (this.options.maxResponseBytes ?? 5_000_000)) {
      res.writeHead(302, { ...headers, 'nvcf-status': 'fulfilled', location: `${this.url}/results/${request.id}.zip` });
      res.end();
      return;
    }
    res.writeHead(200, {
      ...headers,
      'nvcf-status': 'fulfilled',
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  private checkBody(
    json: unknown,
    key: string,
    refs: string[],
  ): { issues: { loc: string[]; msg: string }[] } | { input: FakeCosmosInput | null; picture: Buffer | null } {
    const issues: { loc: string[]; msg: string }[] = [];
    const fail = (loc: string[], msg: string) => issues.push({ loc: ['body', ...loc], msg });
    if (!json || typeof json !== 'object' || Array.isArray(json)) {
      fail([], 'the body must be a JSON object');
      return { issues };
    }
    const body = json as Record<string, unknown>;
    for (const name of Object.keys(body)) if (!BODY_FIELDS.has(name)) fail([name], 'extra fields not permitted');
    if (typeof body.prompt !== 'string' || !body.prompt.trim()) fail(['prompt'], 'field required');
    else if (body.prompt.trim().split(/\s+/).length > 250) fail(['prompt'], 'prompts up to 250 words are supported');
    if (body.negative_prompt !== undefined && typeof body.negative_prompt !== 'string')
      fail(['negative_prompt'], 'str type expected');
    if (body.prompt_upsampling !== undefined && typeof body.prompt_upsampling !== 'boolean')
      fail(['prompt_upsampling'], 'value is not a valid boolean');
    if (
      body.seed !== undefined &&
      !(Number.isInteger(body.seed) && (body.seed as number) >= 0 && (body.seed as number) <= SEEDS_MAX)
    )
      fail(['seed'], `seed must be an integer in [0, ${SEEDS_MAX}]`);
    if (body.guidance_scale !== undefined && typeof body.guidance_scale !== 'number')
      fail(['guidance_scale'], 'value is not a valid float');
    if (body.steps !== undefined && !Number.isInteger(body.steps)) fail(['steps'], 'value is not a valid integer');
    const params = body.video_params as Record<string, unknown> | undefined;
    if (!params || typeof params !== 'object') fail(['video_params'], 'field required');
    else {
      for (const name of ['height', 'width', 'frames_count', 'frames_per_sec'])
        if (!Number.isInteger(params[name])) fail(['video_params', name], 'value is not a valid integer');
      const size = `${String(params.width)}x${String(params.height)}`;
      const sizes = this.options.sizes ?? ['1280x704'];
      if (!sizes.includes(size)) fail(['video_params'], `resolution ${size} is not supported (${sizes.join(', ')})`);
      if (!(this.options.frameCounts ?? [121]).includes(params.frames_count as number))
        fail(['video_params', 'frames_count'], `frames_count ${String(params.frames_count)} is not supported`);
      if (!(this.options.fps ?? [24]).includes(params.frames_per_sec as number))
        fail(['video_params', 'frames_per_sec'], `frames_per_sec ${String(params.frames_per_sec)} is not supported`);
    }
    if (body.image !== undefined && body.video !== undefined) fail(['image'], 'give an image or a video, not both');
    let input: FakeCosmosInput | null = null;
    let picture: Buffer | null = null;
    for (const field of ['image', 'video'] as const) {
      const value = body[field];
      if (value === undefined) continue;
      const inline = typeof value === 'string' ? /^data:([a-z]+\/[a-z0-9.+-]+);base64,(.+)$/s.exec(value) : null;
      const byAsset = typeof value === 'string' ? /^data:([a-z]+\/[a-z0-9.+-]+);asset_id,(.+)$/.exec(value) : null;
      const expected = field === 'image' ? /^image\/(png|jpeg)$/ : /^video\/mp4$/;
      let type: string;
      let bytes: Buffer;
      if (inline) {
        type = inline[1];
        bytes = Buffer.from(inline[2], 'base64');
      } else if (byAsset) {
        const asset = this.assets.get(byAsset[2]);
        if (!asset || asset.key !== key || asset.deleted || !asset.bytes) {
          fail([field], `asset ${byAsset[2]} does not exist for this account or was never uploaded`);
          continue;
        }
        if (!refs.includes(asset.id)) {
          fail([field], `asset ${asset.id} is not named in NVCF-INPUT-ASSET-REFERENCES`);
          continue;
        }
        type = byAsset[1];
        bytes = asset.bytes;
      } else {
        fail([field], 'must be a data URL (data:<type>;base64,… or data:<type>;asset_id,…)');
        continue;
      }
      if (!expected.test(type)) fail([field], `unsupported type ${type}`);
      else if (field === 'image' && !isPicture(bytes)) fail([field], 'Image has been provided in the invalid form');
      else {
        input = { field, via: inline ? 'inline' : 'asset', type, size: bytes.length, sha256: sha256(bytes) };
        if (field === 'image') picture = bytes;
      }
    }
    return issues.length ? { issues } : { input, picture };
  }

  private createAsset(res: ServerResponse, key: string, json: unknown): void {
    const body = (json ?? {}) as { contentType?: unknown; description?: unknown };
    if (typeof body.contentType !== 'string' || typeof body.description !== 'string')
      return problem(res, 400, 'Bad Request', 'contentType and description are required');
    const id = randomUUID();
    this.assets.set(id, {
      id,
      key,
      contentType: body.contentType,
      description: body.description,
      bytes: null,
      deleted: false,
    });
    sendJson(res, 200, {
      assetId: id,
      uploadUrl: `${this.url}/s3/nvcf-assets/${id}?X-Amz-Expires=3600&X-Amz-Signature=fake`,
      contentType: body.contentType,
      description: body.description,
    });
  }

  /** A presigned PUT signs its content type and description header: another value is a signature mismatch. */
  private receiveAsset(req: IncomingMessage, res: ServerResponse, id: string, raw: Buffer): void {
    const asset = this.assets.get(id);
    if (!asset) return problem(res, 404, 'NoSuchUpload', 'The upload URL is not known');
    if (
      req.headers['content-type'] !== asset.contentType ||
      req.headers['x-amz-meta-nvcf-asset-description'] !== asset.description
    )
      return problem(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match');
    asset.bytes = raw;
    res.writeHead(200, { etag: `"${sha256(raw)}"` }).end();
  }

  private sendArchive(res: ServerResponse, id: string): void {
    const request = this.invocations.get(id);
    if (!request || Date.now() < request.endsAt || request.failure)
      return problem(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    let zip = this.archives.get(id);
    if (!zip) {
      zip = this.zip(request);
      this.archives.set(id, zip);
    }
    zip.then(
      (bytes) => sendBytes(res, 200, bytes, 'application/zip'),
      (error: Error) => problem(res, 500, 'Error', `the fake could not zip the result: ${error.message}`),
    );
  }

  /** The result as NVCF hands over a large one: a ZIP of what the function wrote to its large-output directory. */
  private async zip(request: FakeCosmosRequest): Promise<Buffer> {
    const dir = join(this.dir, `zip-${request.id}`);
    await mkdir(dir, { recursive: true });
    const video = await request.output;
    const entry =
      this.options.archiveContent === 'mp4' ? join(dir, `${request.id}.mp4`) : join(dir, `${request.id}_result.json`);
    await writeFile(
      entry,
      this.options.archiveContent === 'mp4'
        ? video
        : JSON.stringify({ b64_video: video.toString('base64'), upsampled_prompt: request.body.prompt }),
    );
    await run('zip', ['-q', '-j', join(dir, 'result.zip'), entry]);
    const bytes = await readFile(join(dir, 'result.zip'));
    await rm(dir, { recursive: true, force: true });
    return bytes;
  }

  /**
   * The clip a request makes, cheaply: testsrc2 for Text2World; for Video2World the input image,
   * covering the frame, held for the whole clip (so its first frame is the image, as Cosmos'
   * is). Real H.264 at the requested size, rate and frame count.
   */
  private async render(
    picture: Buffer | null,
    width: number,
    height: number,
    fps: number,
    frames: number,
  ): Promise<Buffer> {
    const id = randomUUID();
    const out = join(this.dir, `${id}.mp4`);
    const ffmpeg = this.options.ffmpeg ?? QUIET_FFMPEG;
    const encode = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-frames:v', String(frames)];
    if (picture) {
      const still = join(this.dir, `${id}.input`);
      await writeFile(still, picture);
      await ffmpeg.run({
        inputs: [{ path: still, options: [] }],
        filterComplex: `[0:v]scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height},setsar=1,format=yuv420p,loop=loop=-1:size=1,fps=${fps}[v]`,
        outputs: [{ path: out, options: ['-map', '[v]', ...encode, '-r', String(fps)] }],
      });
      await rm(still, { force: true });
    } else {
      await ffmpeg.run({
        inputs: [{ path: `testsrc2=s=${width}x${height}:r=${fps}`, options: ['-f', 'lavfi'] }],
        outputs: [{ path: out, options: encode }],
      });
    }
    const bytes = await readFile(out);
    await rm(out, { force: true });
    return bytes;
  }
}
