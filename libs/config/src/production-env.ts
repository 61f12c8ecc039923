/** The two kinds of process a deployment runs; the embedded stack runs both. */
export const PROCESS_TIERS = ['api', 'worker'] as const;
export type ProcessTier = (typeof PROCESS_TIERS)[number];

/**
 * A variable production (NODE_ENV=production) cannot do without. loadConfig refuses to boot a
 * process of a listed tier when it is unset, and the deployment's tests check every service of that
 * tier provides it (as an ECS secret when `secret`), so a new line here fails those tests until the
 * deployment supplies the variable.
 */
export interface ProductionVariable {
  name: string;
  tiers: readonly ProcessTier[];
  /** comes from a secret store, never plain in a task definition */
  secret: boolean;
  /** what goes wrong without it: shown in the boot error */
  reason: string;
}

export const PRODUCTION_VARIABLES: readonly ProductionVariable[] = [
  {
    name: 'API_KEYS',
    tiers: ['api'],
    secret: true,
    reason: 'without it the development key dev-key would be accepted',
  },
  {
    name: 'HOST',
    tiers: ['api'],
    secret: false,
    reason: 'the default 127.0.0.1 cannot be reached by a load balancer',
  },
  {
    name: 'REDIS_URL',
    tiers: ['api', 'worker'],
    secret: false,
    reason: 'queues and change notices would look for a Redis on this machine',
  },
  {
    name: 'DYNAMODB_TABLE',
    tiers: ['api', 'worker'],
    secret: false,
    reason: 'the deployed jobs table must be named, not defaulted',
  },
  {
    name: 'S3_BUCKET',
    tiers: ['api', 'worker'],
    secret: false,
    reason: 'the deployed artifact bucket must be named, not defaulted',
  },
  {
    name: 'AWS_REGION',
    tiers: ['api', 'worker'],
    secret: false,
    reason: 'the region of the table and the bucket',
  },
  {
    name: 'WORKER_QUEUES',
    tiers: ['worker'],
    secret: false,
    reason: 'the default serves every queue, so a CPU host would take GPU work',
  },
];

/** What production demands of a process of `tier` (both tiers when the process runs both). */
export function productionVariablesFor(tier?: ProcessTier): ProductionVariable[] {
  return PRODUCTION_VARIABLES.filter((v) => !tier || v.tiers.includes(tier));
}
