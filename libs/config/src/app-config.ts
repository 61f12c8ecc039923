import { resolve } from 'node:path';
import { z } from 'zod';

export const WORKER_QUEUE_NAMES = ['plan', 'scene', 'music', 'compose'] as const;
export type WorkerQueueName = (typeof WORKER_QUEUE_NAMES)[number];

/** Everything the apps read from the environment, parsed once at boot. */
export interface AppConfig {
  port: number;
  host: string;
  /** api key -> tenant id */
  apiKeys: ReadonlyMap<string, string>;
  /** null: the embedded stack starts redis-server itself */
  redisUrl: string | null;
  queuePrefix: string;
  dynamodb: { endpoint: string | null; table: string; region: string };
  s3: { endpoint: string | null; bucket: string; region: string };
  dataDir: string;
  presignTtlSec: number;
  worker: {
    queues: WorkerQueueName[];
    concurrency: number;
    /**
     * GPU_DEVICES: the devices this worker generates on, one scene per device at a time (its
     * "slots"). Empty: WORKER_CONCURRENCY host slots with no device (embedded renderers, providers).
     */
    gpuDevices: string[];
    /** WORKER_PROFILES: the video profiles whose scene queues this worker takes; empty: every video profile */
    profiles: string[];
  };
  /** ONNX_EXECUTION_PROVIDERS: in-process inference providers in order of preference (CUDA first, CPU last) */
  onnxExecutionProviders: string[];
  openai: { apiKey: string | null; baseUrl: string | null; model: string; timeoutMs: number; maxRetries: number };
  sseHeartbeatMs: number;
  /** generation providers (issue: real backends) */
  providers: {
    modelsFile: string | null;
    vllmOmniBaseUrls: string[];
    replicateTokens: string[];
    replicateBaseUrl: string;
    /** Standard Webhooks secret (`whsec_…`) Replicate signs webhooks with; null: poll instead */
    replicateWebhookSecret: string | null;
    /** public URL of this API that Replicate can call back (webhooks), e.g. https://ads.example.com */
    publicBaseUrl: string | null;
    defaultVideoProfile: string;
  };
  /** libx264 preset of the final encode; preview jobs always use a fast one */
  composePreset: 'veryfast' | 'medium';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Execution providers onnxruntime-node can be asked for (what is actually present is checked at load). */
export const ONNX_EXECUTION_PROVIDER_NAMES: readonly string[] = ['cuda', 'tensorrt', 'cpu'];

function list(raw: string): string[] {
  return raw
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

const TENANT = /^[A-Za-z0-9_-]{1,64}$/;

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => v || undefined)
  .pipe(z.url().optional())
  .optional();

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  API_KEYS: z
    .string()
    .default('dev-key=demo')
    .transform((raw, ctx) => {
      const keys = new Map<string, string>();
      for (const pair of raw
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const [key, tenant, ...rest] = pair.split('=');
        if (!key || !tenant || rest.length || !TENANT.test(tenant)) {
          ctx.addIssue({
            code: 'custom',
            message: `"${pair.replace(/=.*/, '=…')}" is not key=tenant (tenant: letters, digits, _ or -)`,
          });
        } else keys.set(key, tenant);
      }
      if (!keys.size) ctx.addIssue({ code: 'custom', message: 'needs at least one key=tenant pair' });
      return keys;
    }),
  REDIS_URL: optionalUrl,
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('reelsmith'),
  DYNAMODB_ENDPOINT: optionalUrl,
  DYNAMODB_TABLE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/)
    .default('reelsmith-jobs'),
  S3_ENDPOINT: optionalUrl,
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid bucket name')
    .default('reelsmith-artifacts'),
  AWS_REGION: z.string().trim().min(1).default('us-east-1'),
  DATA_DIR: z.string().trim().min(1).default('.data'),
  PRESIGN_TTL_SEC: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(3600),
  WORKER_QUEUES: z
    .string()
    .default(WORKER_QUEUE_NAMES.join(','))
    .transform((raw, ctx) => {
      const names = raw
        .split(',')
        .map((q) => q.trim())
        .filter(Boolean);
      const bad = names.filter((q) => !(WORKER_QUEUE_NAMES as readonly string[]).includes(q));
      if (bad.length)
        ctx.addIssue({
          code: 'custom',
          message: `unknown queue(s) ${bad.join(', ')}; known: ${WORKER_QUEUE_NAMES.join(', ')}`,
        });
      return [...new Set(names)] as WorkerQueueName[];
    }),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  GPU_DEVICES: z
    .string()
    .default('')
    .transform((raw, ctx) => {
      const devices = list(raw);
      const bad = devices.filter((d) => !/^\d{1,3}$/.test(d));
      if (bad.length)
        ctx.addIssue({ code: 'custom', message: `device ids are numbers (e.g. 0,1,2,3), not ${bad.join(', ')}` });
      if (new Set(devices).size !== devices.length)
        ctx.addIssue({ code: 'custom', message: 'a device is listed twice' });
      return devices;
    }),
  WORKER_PROFILES: z
    .string()
    .default('')
    .transform((raw, ctx) => {
      const profiles = list(raw);
      const bad = profiles.filter((p) => !/^[a-z0-9_]{1,64}$/.test(p));
      if (bad.length) ctx.addIssue({ code: 'custom', message: `not a profile name: ${bad.join(', ')}` });
      return [...new Set(profiles)];
    }),
  ONNX_EXECUTION_PROVIDERS: z
    .string()
    .default('cuda,cpu')
    .transform((raw, ctx) => {
      const names = list(raw).map((n) => n.toLowerCase());
      const bad = names.filter((n) => !ONNX_EXECUTION_PROVIDER_NAMES.includes(n));
      if (bad.length)
        ctx.addIssue({
          code: 'custom',
          message: `unknown execution provider(s) ${bad.join(', ')}; known: ${ONNX_EXECUTION_PROVIDER_NAMES.join(', ')}`,
        });
      return names.length ? names : ['cpu'];
    }),
  OPENAI_API_KEY: z.string().trim().optional(),
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  OPENAI_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(100).default(15_000),
  MODELS_FILE: z.string().trim().min(1).optional(),
  VLLM_OMNI_BASE_URL: z
    .string()
    .default('')
    .transform((raw, ctx) => {
      const urls = raw
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean);
      for (const url of urls)
        if (!URL.canParse(url)) ctx.addIssue({ code: 'custom', message: `"${url}" is not a URL` });
      return urls;
    }),
  REPLICATE_API_TOKEN: z
    .string()
    .default('')
    .transform((raw) =>
      raw
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  REPLICATE_BASE_URL: z.url().default('https://api.replicate.com'),
  REPLICATE_WEBHOOK_SECRET: z
    .string()
    .trim()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must be a whsec_… secret')
    .optional(),
  PUBLIC_BASE_URL: optionalUrl,
  DEFAULT_VIDEO_PROFILE: z
    .string()
    .regex(/^[a-z0-9_]+$/)
    .default('video_default'),
  COMPOSE_PRESET: z.enum(['veryfast', 'medium']).default('medium'),
});

/** Parses the environment; throws a ConfigError naming every bad variable at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    apiKeys: e.API_KEYS,
    redisUrl: e.REDIS_URL ?? null,
    queuePrefix: e.QUEUE_PREFIX,
    dynamodb: { endpoint: e.DYNAMODB_ENDPOINT ?? null, table: e.DYNAMODB_TABLE, region: e.AWS_REGION },
    s3: { endpoint: e.S3_ENDPOINT ?? null, bucket: e.S3_BUCKET, region: e.AWS_REGION },
    dataDir: resolve(e.DATA_DIR),
    presignTtlSec: e.PRESIGN_TTL_SEC,
    worker: {
      queues: e.WORKER_QUEUES,
      concurrency: e.WORKER_CONCURRENCY,
      gpuDevices: e.GPU_DEVICES,
      profiles: e.WORKER_PROFILES,
    },
    onnxExecutionProviders: e.ONNX_EXECUTION_PROVIDERS,
    openai: {
      apiKey: e.OPENAI_API_KEY || null,
      baseUrl: e.OPENAI_BASE_URL ?? null,
      model: e.OPENAI_MODEL,
      timeoutMs: e.OPENAI_TIMEOUT_MS,
      maxRetries: e.OPENAI_MAX_RETRIES,
    },
    sseHeartbeatMs: e.SSE_HEARTBEAT_MS,
    providers: {
      modelsFile: e.MODELS_FILE ?? null,
      vllmOmniBaseUrls: e.VLLM_OMNI_BASE_URL,
      replicateTokens: e.REPLICATE_API_TOKEN,
      replicateBaseUrl: e.REPLICATE_BASE_URL,
      replicateWebhookSecret: e.REPLICATE_WEBHOOK_SECRET ?? null,
      publicBaseUrl: e.PUBLIC_BASE_URL ?? null,
      defaultVideoProfile: e.DEFAULT_VIDEO_PROFILE,
    },
    composePreset: e.COMPOSE_PRESET,
  };
}

/** The Redis the apps talk to: REDIS_URL, or the local default when running outside the embedded stack. */
export function redisUrlOf(config: Pick<AppConfig, 'redisUrl'>): string {
  return config.redisUrl ?? 'redis://127.0.0.1:6379';
}
