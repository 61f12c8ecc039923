import { z } from 'zod';
import { JOB_STATUSES, type JobStatus } from '@app/domain';

const isStatus = (s: string) => (JOB_STATUSES as readonly string[]).includes(s);

export const adminUsageQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM')
    .optional()
    .describe('calendar month (UTC); default: this month'),
});

export const adminJobsQuery = z.object({
  status: z
    .string()
    .refine((v) => v.split(',').every((s) => isStatus(s.trim())), {
      message: `each must be one of ${JOB_STATUSES.join(', ')}`,
    })
    .transform((v) => v.split(',').map((s) => s.trim() as JobStatus))
    .optional()
    .describe(`jobs in any of these statuses, comma-separated (${JOB_STATUSES.join(', ')}); default: every status`),
  olderThanSec: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('only jobs whose row has not changed for at least this many seconds'),
  createdWithinSec: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('only jobs created at most this many seconds ago'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional().describe("the previous page's nextCursor"),
});

export const expireJobsBody = z
  .object({
    olderThanSec: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('live jobs unchanged this long are expired; default JOB_EXPIRE_AFTER_SEC'),
  })
  .default({});

export const queueParam = z.object({
  queue: z.string().describe('plan, keyframes, music, compose, or scene.<video profile>'),
});

export const tenantUsageView = z.object({
  tenantId: z.string(),
  month: z.string(),
  costUsd: z.number(),
  seconds: z.number(),
  calls: z.number(),
  jobs: z.number(),
});

export const adminJobView = z.object({
  id: z.string(),
  tenantId: z.string(),
  status: z.enum(JOB_STATUSES),
  progress: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

export const queueStateView = z.object({
  queue: z.string(),
  paused: z.boolean(),
  counts: z.record(z.string(), z.number()),
});
