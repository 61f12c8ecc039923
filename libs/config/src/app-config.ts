import { resolve } from 'node:path';
import { z } from 'zod';
import { type ApiKeyEntry, DEV_API_KEY, DEV_API_KEYS, parseApiKeys, sha256 } from './api-keys';
import { type ProcessTier, productionVariablesFor } from './production-env';

export const WORKER_QUEUE_NAMES = ['plan', 'scene', 'music', 'compose', 'asset'] as const;
export type WorkerQueueName = (typeof WORKER_QUEUE_NAMES)[number];

/** Everything the apps read from the environment, parsed once at boot. */
export interface AppConfig {
  port: number;
  host: string;
  /** NODE_ENV=production: the variables production needs were checked at boot */
  production: boolean;
  /** API_KEYS entries; matched by digest, in constant time */
  apiKeys: readonly ApiKeyEntry[];
  /** OIDC access tokens accepted beside API keys; null: API keys only */
  oidc: OidcConfig | null;
  /** ECS_AGENT_URI: set by ECS in every task; the worker holds task scale-in protection through it */
  ecsAgentUri: string | null;
  /** null: the embedded stack starts redis-server itself */
  redisUrl: string | null;
  /** REDIS_CLUSTER=true: REDIS_URL names one node of a Redis Cluster (ElastiCache, MemoryDB); the rest are discovered */
  redisCluster: boolean;
  /** key prefix of every queue and Reelsmith key; a hash tag (`{reelsmith}`) keeps them in one cluster slot */
  queuePrefix: string;
  dynamodb: { endpoint: string | null; table: string; region: string };
  s3: { endpoint: string | null; bucket: string; region: string };
  dataDir: string;
  /**
   * How long one Redis command or AWS request may wait (DEPENDENCY_TIMEOUT_MS; API default 700 ms,
   * workers 10 s). `failFast` (the API): Redis commands fail at once while disconnected and AWS
   * calls are retried once at most, so a stalled dependency is a 503 within 2 s, not a hung request.
   */
  dependencies: { timeoutMs: number; failFast: boolean };
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
    /** NVIDIA_API_KEY: `nvapi-…` keys of the NVIDIA API catalogue (Cosmos); several spread the work and ride out 429s */
    nvidiaApiKeys: string[];
    /** NVIDIA_BASE_URL: where the catalogue's models are invoked (`/v1/cosmos/{model}`) */
    nvidiaBaseUrl: string;
    /** NVCF_BASE_URL: NVIDIA Cloud Functions, where an accepted request is polled and input assets are uploaded */
    nvcfBaseUrl: string;
    defaultVideoProfile: string;
  };
  /**
   * FFMPEG_DEADLINE_BASE_MS + FFMPEG_DEADLINE_PER_SEC_MS per second of media made, FFPROBE_DEADLINE_MS:
   * past them ffmpeg / ffprobe is SIGKILLed and the step fails with a retryable MEDIA.FFMPEG_TIMEOUT
   */
  ffmpegDeadlines: { baseMs: number; perMediaSecMs: number; probeMs: number };
  /** MIN_FREE_DISK_MB: a worker step does not start with less free space under DATA_DIR (retryable WORKER.DISK_LOW) */
  minFreeDiskMb: number;
  /** WORKER_LOCK_MS: BullMQ lock of a running step; longer than a Redis failover, so a step is not run twice */
  workerLockMs: number;
  /** libx264 preset of the final encode; preview jobs always use a fast one */
  composePreset: 'veryfast' | 'medium';
  /** what one tenant may ask of the API and spend (issue 11) */
  limits: LimitsConfig;
  /** logs, metrics, traces, audit and the stale-job sweep (see README "Operations") */
  observability: ObservabilityConfig;
}

/** Request classes rate-limited per tenant: each has its own budget of requests per window. */
export const RATE_CLASSES = ['submit', 'tools', 'reads', 'sse'] as const;
export type RateClass = (typeof RATE_CLASSES)[number];
export interface RateRule {
  points: number;
  windowSec: number;
}

export interface LimitsConfig {
  /** BODY_LIMIT_BYTES: the largest request body (after decompression) */
  bodyBytes: number;
  /** RATE_LIMITS: `class=requests/seconds` per tenant, shared by every API process through Redis */
  rates: Record<RateClass, RateRule>;
  /** MAX_LIVE_JOBS_PER_TENANT: jobs not yet completed, failed or cancelled */
  liveJobsPerTenant: number;
  /** MAX_SSE_STREAMS_PER_TENANT: event streams open at once */
  sseStreamsPerTenant: number;
  /** SSE_MAX_LIFETIME_SEC: a stream closes after this; the client resumes with Last-Event-ID */
  sseMaxLifetimeSec: number;
  /** MONTHLY_SPEND_CAP_USD: generation spend per tenant per calendar month (UTC) */
  monthlySpendCapUsd: number;
  /** DEFAULT_JOB_BUDGET_USD: the budget of a job whose brief gives no budgetUsd */
  defaultJobBudgetUsd: number;
  /** CURSOR_SECRET: signs list cursors; derived from API_KEYS and the table when unset */
  cursorSecret: string;
}

export interface ObservabilityConfig {
  /** LOG_LEVEL: pino level (trace, debug, info, warn, error, fatal, silent) */
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** LOG_FORMAT: one JSON object per line (json, the default) or coloured lines for a terminal (pretty) */
  logFormat: 'json' | 'pretty';
  /** METRICS_PORT: where a worker serves GET /metrics; null: no metrics server (the API serves /metrics on PORT) */
  metricsPort: number | null;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: OTLP/HTTP base URL traces are sent to; null: no tracing */
  otlpEndpoint: string | null;
  /** AUDIT_LOG_PATH: a JSONL file of request audit records (rotated by size); null: audit records go to the log */
  auditLogPath: string | null;
  /** AUDIT_LOG_MAX_BYTES: the size at which the audit file rotates */
  auditLogMaxBytes: number;
  /** JOB_EXPIRE_AFTER_SEC: a live job untouched this long is expired by the sweep */
  jobExpireAfterSec: number;
  /** JOB_EXPIRE_INTERVAL_SEC: how often the API sweeps for expired jobs; 0: only on POST /v1/admin/jobs/expire */
  jobExpireIntervalSec: number;
  /** SCALING_METRICS_NAMESPACE: CloudWatch namespace the workers publish the GPU fleets' scaling metrics to (SceneBacklogPerTask, SceneBacklogWithoutWorkers); null: not published */
  scalingMetricsNamespace: string | null;
}

export interface OidcConfig {
  /** OIDC_ISSUER: its discovery document names the JWKS; tokens must carry exactly this `iss` */
  issuer: string;
  /** OIDC_AUDIENCE: the `aud` tokens must carry (a Cognito access token's `client_id`) */
  audience: string;
  /**
   * OIDC_CLIENT_ID: the public client the studio signs in with (Authorization Code + PKCE, no
   * secret); defaults to the audience, which is that client's id for Cognito access tokens
   */
  clientId: string;
  /** OIDC_TENANT_CLAIM: the claim holding the tenant id */
  tenantClaim: string;
  /** OIDC_ADMIN_SCOPE: the token scope that grants the admin role */
  adminScope: string;
  clockToleranceSec: number;
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

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => v || undefined)
  .pipe(z.url().optional())
  .optional();

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  NODE_ENV: z.string().trim().optional(),
  API_KEYS: z
    .string()
    .default(DEV_API_KEYS)
    .transform((raw, ctx) => {
      const { entries, problems } = parseApiKeys(raw);
      for (const message of problems) ctx.addIssue({ code: 'custom', message });
      return entries;
    }),
  OIDC_ISSUER: optionalUrl,
  OIDC_AUDIENCE: z
    .string()
    .trim()
    .transform((v) => v || undefined)
    .optional(),
  OIDC_CLIENT_ID: z
    .string()
    .trim()
    .transform((v) => v || undefined)
    .optional(),
  OIDC_TENANT_CLAIM: z.string().trim().min(1).max(200).default('tenant'),
  OIDC_ADMIN_SCOPE: z
    .string()
    .trim()
    .regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,200}$/, 'must be one scope token (no spaces or quotes)')
    .default('reelsmith:admin'),
  OIDC_CLOCK_TOLERANCE_SEC: z.coerce.number().int().min(0).max(300).default(30),
  ECS_AGENT_URI: optionalUrl,
  REDIS_URL: optionalUrl,
  REDIS_CLUSTER: z
    .enum(['true', 'false', '1', '0', ''], { message: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  QUEUE_PREFIX: z
    .string()
    .regex(
      /^(?:[A-Za-z0-9_-]+|\{[A-Za-z0-9_-]+\}[A-Za-z0-9_-]*)$/,
      'must be letters, digits, _ or -, optionally as a {hash-tag}',
    )
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
  DEPENDENCY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).optional(),
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
  NVIDIA_API_KEY: z
    .string()
    .default('')
    .transform((raw, ctx) => {
      const keys = list(raw);
      // A key with a space or a quote in it was pasted with its surroundings; NVIDIA would answer 401 at 3 a.m.
      if (keys.some((k) => !/^[^\s"']+$/.test(k)))
        ctx.addIssue({ code: 'custom', message: 'keys are comma-separated, without spaces or quotes' });
      return [...new Set(keys)];
    }),
  NVIDIA_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://ai.api.nvidia.com'),
  NVCF_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.nvcf.nvidia.com'),
  DEFAULT_VIDEO_PROFILE: z
    .string()
    .regex(/^[a-z0-9_]+$/)
    .default('video_default'),
  COMPOSE_PRESET: z.enum(['veryfast', 'medium']).default('medium'),
  FFMPEG_DEADLINE_BASE_MS: z.coerce.number().int().min(100).default(120_000),
  FFMPEG_DEADLINE_PER_SEC_MS: z.coerce.number().int().min(0).default(20_000),
  FFPROBE_DEADLINE_MS: z.coerce.number().int().min(100).default(30_000),
  MIN_FREE_DISK_MB: z.coerce.number().int().min(0).default(1024),
  WORKER_LOCK_MS: z.coerce.number().int().min(5_000).max(600_000).default(60_000),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(16 * 1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  RATE_LIMITS: z
    .string()
    .default('')
    .transform((raw, ctx) => {
      const { rates, problems } = parseRateLimits(raw);
      for (const message of problems) ctx.addIssue({ code: 'custom', message });
      return rates;
    }),
  MAX_LIVE_JOBS_PER_TENANT: z.coerce.number().int().min(1).max(100_000).default(100),
  MAX_SSE_STREAMS_PER_TENANT: z.coerce.number().int().min(1).max(100_000).default(100),
  SSE_MAX_LIFETIME_SEC: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 3600)
    .default(900),
  MONTHLY_SPEND_CAP_USD: z.coerce.number().min(0).max(10_000_000).default(1000),
  DEFAULT_JOB_BUDGET_USD: z.coerce.number().min(0).max(100_000).default(50),
  CURSOR_SECRET: z.string().trim().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  AUDIT_LOG_PATH: z.string().trim().min(1).optional(),
  AUDIT_LOG_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(50 * 1024 * 1024),
  JOB_EXPIRE_AFTER_SEC: z.coerce
    .number()
    .int()
    .min(60)
    .default(6 * 3600),
  JOB_EXPIRE_INTERVAL_SEC: z.coerce.number().int().min(0).default(0),
  SCALING_METRICS_NAMESPACE: z.string().trim().min(1).optional(),
});

/** Generous enough for `npm start` and the test suites; production sets its own. */
export const DEFAULT_RATE_LIMITS: Record<RateClass, RateRule> = {
  submit: { points: 120, windowSec: 60 },
  tools: { points: 240, windowSec: 60 },
  reads: { points: 3000, windowSec: 60 },
  sse: { points: 600, windowSec: 60 },
};

/** `submit=60/60,reads=600/60`: classes not named keep their default. */
export function parseRateLimits(raw: string): { rates: Record<RateClass, RateRule>; problems: string[] } {
  const rates = { ...DEFAULT_RATE_LIMITS };
  const problems: string[] = [];
  for (const entry of list(raw)) {
    const m = /^([a-z]+)=(\d{1,7})\/(\d{1,6})$/.exec(entry);
    if (!m || !(RATE_CLASSES as readonly string[]).includes(m[1]) || Number(m[2]) < 1 || Number(m[3]) < 1) {
      problems.push(`"${entry}" is not class=requests/seconds with a class among ${RATE_CLASSES.join(', ')}`);
      continue;
    }
    rates[m[1] as RateClass] = { points: Number(m[2]), windowSec: Number(m[3]) };
  }
  return { rates, problems };
}

/**
 * Parses the environment; throws a ConfigError naming every bad variable at once. With
 * NODE_ENV=production it also demands what production needs of a process of `tier` (both tiers
 * when none is given, as for the embedded stack) and refuses the development key.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, tier?: ProcessTier): AppConfig {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`);
  if (parsed.success) problems.push(...crossFieldProblems(parsed.data));
  if (env.NODE_ENV?.trim() === 'production') problems.push(...productionProblems(env, tier));
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    production: e.NODE_ENV === 'production',
    apiKeys: e.API_KEYS,
    oidc:
      e.OIDC_ISSUER && e.OIDC_AUDIENCE
        ? {
            issuer: e.OIDC_ISSUER,
            audience: e.OIDC_AUDIENCE,
            clientId: e.OIDC_CLIENT_ID ?? e.OIDC_AUDIENCE,
            tenantClaim: e.OIDC_TENANT_CLAIM,
            adminScope: e.OIDC_ADMIN_SCOPE,
            clockToleranceSec: e.OIDC_CLOCK_TOLERANCE_SEC,
          }
        : null,
    ecsAgentUri: e.ECS_AGENT_URI ?? null,
    redisUrl: e.REDIS_URL ?? null,
    redisCluster: e.REDIS_CLUSTER,
    queuePrefix: e.QUEUE_PREFIX,
    dynamodb: { endpoint: e.DYNAMODB_ENDPOINT ?? null, table: e.DYNAMODB_TABLE, region: e.AWS_REGION },
    s3: { endpoint: e.S3_ENDPOINT ?? null, bucket: e.S3_BUCKET, region: e.AWS_REGION },
    dataDir: resolve(e.DATA_DIR),
    dependencies: {
      timeoutMs: e.DEPENDENCY_TIMEOUT_MS ?? (tier === 'api' ? 700 : 10_000),
      failFast: tier === 'api',
    },
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
      nvidiaApiKeys: e.NVIDIA_API_KEY,
      nvidiaBaseUrl: e.NVIDIA_BASE_URL,
      nvcfBaseUrl: e.NVCF_BASE_URL,
      defaultVideoProfile: e.DEFAULT_VIDEO_PROFILE,
    },
    composePreset: e.COMPOSE_PRESET,
    ffmpegDeadlines: {
      baseMs: e.FFMPEG_DEADLINE_BASE_MS,
      perMediaSecMs: e.FFMPEG_DEADLINE_PER_SEC_MS,
      probeMs: e.FFPROBE_DEADLINE_MS,
    },
    minFreeDiskMb: e.MIN_FREE_DISK_MB,
    workerLockMs: e.WORKER_LOCK_MS,
    limits: {
      bodyBytes: e.BODY_LIMIT_BYTES,
      rates: e.RATE_LIMITS,
      liveJobsPerTenant: e.MAX_LIVE_JOBS_PER_TENANT,
      sseStreamsPerTenant: e.MAX_SSE_STREAMS_PER_TENANT,
      sseMaxLifetimeSec: e.SSE_MAX_LIFETIME_SEC,
      monthlySpendCapUsd: e.MONTHLY_SPEND_CAP_USD,
      defaultJobBudgetUsd: e.DEFAULT_JOB_BUDGET_USD,
      // Every API process derives the same secret from the configuration they share.
      cursorSecret:
        e.CURSOR_SECRET ??
        sha256(
          `reelsmith-cursor:${e.DYNAMODB_TABLE}:${e.API_KEYS.map((k) => k.digest.toString('hex')).join(',')}`,
        ).toString('hex'),
    },
    observability: {
      logLevel: e.LOG_LEVEL,
      logFormat: e.LOG_FORMAT,
      metricsPort: e.METRICS_PORT ?? null,
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT ?? null,
      auditLogPath: e.AUDIT_LOG_PATH ? resolve(e.AUDIT_LOG_PATH) : null,
      auditLogMaxBytes: e.AUDIT_LOG_MAX_BYTES,
      jobExpireAfterSec: e.JOB_EXPIRE_AFTER_SEC,
      jobExpireIntervalSec: e.JOB_EXPIRE_INTERVAL_SEC,
      scalingMetricsNamespace: e.SCALING_METRICS_NAMESPACE ?? null,
    },
  };
}

function crossFieldProblems(e: z.infer<typeof envSchema>): string[] {
  const problems: string[] = [];
  if (e.OIDC_ISSUER && !e.OIDC_AUDIENCE) problems.push('OIDC_AUDIENCE: required with OIDC_ISSUER');
  if (e.OIDC_AUDIENCE && !e.OIDC_ISSUER) problems.push('OIDC_ISSUER: required with OIDC_AUDIENCE');
  if (e.REDIS_CLUSTER && !e.REDIS_URL)
    problems.push('REDIS_URL: required with REDIS_CLUSTER=true (one node of the cluster)');
  // BullMQ flows link jobs across queues in Lua scripts: in a cluster every key must hash to one slot.
  if (e.REDIS_CLUSTER && !e.QUEUE_PREFIX.startsWith('{'))
    problems.push(`QUEUE_PREFIX: must be a hash tag such as {${e.QUEUE_PREFIX}} with REDIS_CLUSTER=true`);
  return problems;
}

/** Read from the raw environment, so they are reported even when other variables do not parse. */
function productionProblems(env: NodeJS.ProcessEnv, tier?: ProcessTier): string[] {
  const problems = productionVariablesFor(tier)
    .filter((v) => !env[v.name]?.trim())
    .map((v) => `${v.name}: required in production (${v.reason})`);
  const devKey = sha256(DEV_API_KEY);
  const keys = env.API_KEYS?.trim() ? parseApiKeys(env.API_KEYS).entries : [];
  if (keys.some((k) => k.digest.equals(devKey)))
    problems.push(`API_KEYS: the development key ${DEV_API_KEY} is refused in production`);
  const issuer = env.OIDC_ISSUER?.trim();
  if (issuer && URL.canParse(issuer) && new URL(issuer).protocol !== 'https:')
    problems.push('OIDC_ISSUER: must be https in production');
  return problems;
}

/** The Redis the apps talk to: REDIS_URL, or the local default when running outside the embedded stack. */
export function redisUrlOf(config: Pick<AppConfig, 'redisUrl'>): string {
  return config.redisUrl ?? 'redis://127.0.0.1:6379';
}
