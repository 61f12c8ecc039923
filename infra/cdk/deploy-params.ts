import { z } from 'zod';

/**
 * The deployment's parameters, read from CDK context (`cdk.json` "context", or `-c key=value`;
 * objects and lists given on the command line as JSON). Every bad value is listed at once.
 */
const count = (fallback: number, max = 100) => z.coerce.number().int().min(0).max(max).default(fallback);

const service = (defaults: { minTasks: number; maxTasks: number; cpu: number; memoryMiB: number }) =>
  z
    .object({
      minTasks: count(defaults.minTasks),
      maxTasks: count(defaults.maxTasks).refine((n) => n >= 1, 'must be at least 1'),
      cpu: z.coerce.number().int().min(256).max(16384).default(defaults.cpu),
      memoryMiB: z.coerce.number().int().min(512).max(122880).default(defaults.memoryMiB),
    })
    .strict()
    .default(defaults)
    .refine((s) => s.minTasks <= s.maxTasks, 'minTasks must not exceed maxTasks');

const gpuProfile = z
  .object({
    /** the model profile this fleet serves (WORKER_PROFILES); a video profile or image_default */
    profile: z.string().regex(/^[a-z0-9_]{1,64}$/, 'a profile name: a-z, 0-9, _'),
    /** GPU instance types the fleet may launch, in order of preference */
    instanceTypes: z
      .array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'an instance type such as g5.xlarge'))
      .min(1)
      .default(['g5.xlarge', 'g6.xlarge']),
    gpusPerTask: count(1, 8).refine((n) => n >= 1, 'must be at least 1'),
    /** 0 lets the fleet scale to zero when its queue is empty (the cold start is an instance launch) */
    minTasks: count(0),
    maxTasks: count(4).refine((n) => n >= 1, 'must be at least 1'),
    /** scenes waiting or running per task that the fleet scales to keep */
    backlogPerTask: z.coerce.number().min(0.1).max(1000).default(2),
    cpu: z.coerce
      .number()
      .int()
      .min(256)
      .max(192 * 1024)
      .default(3072),
    memoryMiB: z.coerce.number().int().min(512).max(2_000_000).default(12288),
    /** Spot capacity: far cheaper, but an interrupted scene is generated again */
    spot: z.boolean().default(false),
  })
  .strict()
  .refine((p) => p.minTasks <= p.maxTasks, 'minTasks must not exceed maxTasks');

const contextSchema = z
  .object({
    /** the ECR repository holding the application image (created by the ReelsmithImages stack) */
    imageRepository: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._/-]{1,255}$/)
      .default('reelsmith'),
    imageTag: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/)
      .default('latest'),
    /** the image of the GPU workers (CUDA libraries); the application image when unset */
    gpuImageTag: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/)
      .optional(),
    natGateways: count(1, 3),
    api: service({ minTasks: 2, maxTasks: 10, cpu: 1024, memoryMiB: 2048 }),
    cpuWorkers: service({ minTasks: 1, maxTasks: 10, cpu: 2048, memoryMiB: 4096 }),
    /** jobs at once per queue on a CPU worker (WORKER_CONCURRENCY) */
    cpuWorkerConcurrency: count(2, 64).refine((n) => n >= 1, 'must be at least 1'),
    gpuProfiles: z
      .array(gpuProfile)
      .min(1)
      .default(() => [
        gpuProfile.parse({ profile: 'video_default' }),
        gpuProfile.parse({ profile: 'video_long' }),
        gpuProfile.parse({ profile: 'image_default', maxTasks: 2 }),
      ])
      .refine((ps) => new Set(ps.map((p) => p.profile)).size === ps.length, 'a profile is listed twice'),
    gpuAmi: z.enum(['al2023', 'al2']).default('al2023'),
    redisNodeType: z
      .string()
      .regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/)
      .default('cache.t4g.medium'),
    /** read replicas beside the primary; at least one, for Multi-AZ failover */
    redisReplicas: count(1, 5).refine((n) => n >= 1, 'Multi-AZ failover needs at least one replica'),
    /** CloudFront alternate domain names; need certificateArn (ACM, us-east-1) */
    domainNames: z.array(z.string().min(1)).default([]),
    certificateArn: z.string().startsWith('arn:').optional(),
    /** HTTPS from CloudFront to the load balancer: a DNS name for the ALB and its regional certificate */
    originDomainName: z.string().min(1).optional(),
    originCertificateArn: z.string().startsWith('arn:').optional(),
    /** the Cognito hosted sign-in domain: https://<prefix>.auth.<region>.amazoncognito.com */
    authDomainPrefix: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/)
      .default('reelsmith-studio'),
    /** sign-in callback URLs beside the studio's own (e.g. http://localhost:3000/ for development) */
    extraCallbackUrls: z.array(z.url()).default([]),
    /** Secrets Manager secret names (created by the operator before the first deploy) */
    apiKeysSecretName: z.string().min(1).default('reelsmith/api-keys'),
    openaiSecretName: z.string().min(1).optional(),
    replicateSecretName: z.string().min(1).optional(),
    /** more plain environment for every service (e.g. VLLM_OMNI_BASE_URL, OPENAI_BASE_URL, MODELS_FILE) */
    environment: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string()).default({}),
    /** artifact prefixes whose objects are scratch, expired after scratchExpireDays */
    scratchPrefixes: z.array(z.string().regex(/^[A-Za-z0-9_-]+\/$/, 'a prefix ending in /')).default(['tmp/']),
    scratchExpireDays: count(7, 3650).refine((n) => n >= 1, 'must be at least 1'),
  })
  .refine((c) => !c.domainNames.length || c.certificateArn, {
    message: 'domainNames need certificateArn',
    path: ['certificateArn'],
  })
  .refine((c) => !c.originDomainName === !c.originCertificateArn, {
    message: 'originDomainName and originCertificateArn go together',
    path: ['originCertificateArn'],
  });

export type DeployParams = z.infer<typeof contextSchema>;
export type GpuProfileParams = DeployParams['gpuProfiles'][number];

export class DeployParamsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid deployment context:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DeployParamsError';
  }
}

const KEYS = Object.keys(contextSchema.shape);

/**
 * Reads the deployment's keys from the app's context (CDK's own keys, `@aws-cdk/…` feature flags and
 * `aws:…`, are left alone). JSON text is parsed, as `-c key=value` gives strings; an unknown key is
 * a problem, so a misspelt parameter is not silently ignored.
 */
export function readDeployParams(context: Record<string, unknown>): DeployParams {
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(context)) {
    if (key.startsWith('@') || key.includes(':')) continue;
    if (!KEYS.includes(key)) {
      problems.push(`${key}: not a deployment parameter; known: ${KEYS.join(', ')}`);
      continue;
    }
    try {
      raw[key] = typeof value === 'string' && /^\s*[[{]/.test(value) ? JSON.parse(value) : value;
    } catch {
      problems.push(`${key}: not valid JSON`);
    }
  }
  const parsed = contextSchema.safeParse(raw);
  if (!parsed.success)
    problems.push(...parsed.error.issues.map((i) => `${i.path.join('.') || 'context'}: ${i.message}`));
  if (problems.length || !parsed.success) throw new DeployParamsError(problems);
  return parsed.data;
}
