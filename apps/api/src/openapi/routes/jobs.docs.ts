import { z } from 'zod';
import { briefSchema, JOB_STATUSES, storyboardSchema } from '@app/domain';
import { anyObject, jobIdParam, type RouteDoc } from '../route-doc';

const jobLinks = z.object({ self: z.string(), events: z.string() });
const output = z.object({
  type: z.string(),
  aspectRatio: z.string().nullable().optional(),
  url: z.string().describe('presigned; valid for PRESIGN_TTL_SEC'),
  downloadUrl: z.string().optional(),
  fileName: z.string().optional(),
  contentType: z.string(),
  width: z.number(),
  height: z.number(),
  durationSec: z.number().nullable(),
});
export const jobView = z
  .object({
    id: z.string(),
    status: z.enum(JOB_STATUSES),
    progress: z.number(),
    version: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
    brief: anyObject,
    scenes: z.array(
      z.object({
        index: z.number(),
        status: z.string(),
        progress: z.number(),
        durationSec: z.number(),
        chain: z.number(),
        seededFrom: z.number().nullable(),
        startedAt: z.string().nullable().optional(),
        finishedAt: z.string().nullable().optional(),
        clipUrl: z.string().optional(),
      }),
    ),
    music: z.object({ status: z.string(), progress: z.number() }),
    outputs: z.array(output),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .meta({ id: 'JobView' });

/** The submit body: a brief, optionally with a reviewed storyboard (planning is then skipped). */
const submitBody = z.intersection(briefSchema, z.object({ storyboard: storyboardSchema.optional() }));

export const JOBS_DOCS: RouteDoc[] = [
  {
    method: 'POST',
    path: '/v1/jobs',
    summary: 'Submit a brief; the job is planned, generated and composed in the background',
    tag: 'jobs',
    access: 'tenant',
    headers: z.object({ 'idempotency-key': z.string().optional().describe('a retried submit returns the same job') }),
    body: submitBody,
    responses: {
      202: {
        description: 'accepted (Location: the job)',
        schema: z.object({ id: z.string(), status: z.string(), links: jobLinks }),
      },
    },
    errors: [402, 409, 422],
  },
  {
    method: 'GET',
    path: '/v1/jobs',
    summary: "The tenant's jobs, newest first",
    tag: 'jobs',
    access: 'tenant',
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(20),
      cursor: z.string().optional().describe('opaque, from nextCursor'),
      status: z.enum(JOB_STATUSES).optional(),
    }),
    responses: {
      200: { description: 'a page', schema: z.object({ items: z.array(jobView), nextCursor: z.string().nullable() }) },
    },
  },
  {
    method: 'GET',
    path: '/v1/jobs/:id',
    summary: 'One job',
    tag: 'jobs',
    access: 'tenant',
    params: jobIdParam,
    responses: { 200: { description: 'the job view', schema: jobView } },
    errors: [404],
  },
  {
    method: 'GET',
    path: '/v1/jobs/:id/archive',
    summary: 'Every output of a completed job as one ZIP',
    tag: 'jobs',
    access: 'tenant',
    params: jobIdParam,
    responses: { 200: { description: 'a ZIP archive', contentType: 'application/zip' } },
    errors: [404, 409],
  },
  {
    method: 'POST',
    path: '/v1/jobs/:id/cancel',
    summary: 'Cancel a job',
    tag: 'jobs',
    access: 'tenant',
    params: jobIdParam,
    responses: { 202: { description: 'cancelled', schema: jobView } },
    errors: [404, 409],
  },
  {
    method: 'GET',
    path: '/v1/jobs/:id/events',
    summary: "The job's changes as Server-Sent Events (id: row version, event: job, data: the job view)",
    tag: 'jobs',
    access: 'tenant',
    params: jobIdParam,
    headers: z.object({ 'last-event-id': z.string().optional() }),
    responses: {
      200: { description: 'an event stream that ends after the terminal event', contentType: 'text/event-stream' },
    },
    errors: [404],
  },
];
