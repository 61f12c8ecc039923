import { z } from 'zod';
import {
  adminJobsQuery,
  adminJobView,
  adminUsageQuery,
  expireJobsBody,
  queueParam,
  queueStateView,
  tenantUsageView,
} from '../../admin/admin.schemas';
import { anyObject, type RouteDoc } from '../route-doc';

/** Health, metrics, this document, and the admin routes. */
export const OPERATIONS_DOCS: RouteDoc[] = [
  {
    method: 'GET',
    path: '/healthz',
    summary: 'Liveness: constant cost, calls no dependency',
    tag: 'operations',
    access: 'public',
    responses: { 200: { description: 'the process answers', schema: z.object({ status: z.literal('ok') }) } },
  },
  {
    method: 'GET',
    path: '/readyz',
    summary: 'Readiness: Redis, DynamoDB and S3, cached for a few seconds',
    tag: 'operations',
    access: 'public',
    responses: {
      200: { description: 'ready', schema: anyObject },
      503: { description: 'a core component is down (Retry-After)', schema: anyObject },
    },
  },
  {
    method: 'GET',
    path: '/v1/health',
    summary: 'Components, providers, workers and models in detail',
    tag: 'operations',
    access: 'admin',
    responses: {
      200: { description: 'up or degraded', schema: anyObject },
      503: { description: 'a core component is down', schema: anyObject },
    },
  },
  {
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics of the API (HTTP, SSE, job outcomes, queue depths)',
    tag: 'operations',
    access: 'public',
    responses: { 200: { description: 'Prometheus text exposition format', contentType: 'text/plain' } },
  },
  {
    method: 'GET',
    path: '/v1/openapi.json',
    summary: 'This document (OpenAPI 3.1)',
    tag: 'operations',
    access: 'public',
    responses: { 200: { description: 'the OpenAPI document', schema: anyObject } },
  },
  {
    method: 'GET',
    path: '/v1/admin/usage',
    summary: "Every tenant's usage in a month",
    tag: 'admin',
    access: 'admin',
    query: adminUsageQuery,
    responses: {
      200: { description: 'per tenant', schema: z.object({ month: z.string(), items: z.array(tenantUsageView) }) },
    },
  },
  {
    method: 'GET',
    path: '/v1/admin/jobs',
    summary: 'Jobs across tenants (live or finished), newest first, by status and age',
    tag: 'admin',
    access: 'admin',
    query: adminJobsQuery,
    responses: {
      200: {
        description: 'a page of jobs; nextCursor is null on the last page',
        schema: z.object({ items: z.array(adminJobView), nextCursor: z.string().nullable() }),
      },
    },
  },
  {
    method: 'POST',
    path: '/v1/admin/jobs/expire',
    summary: 'End live jobs unchanged for longer than a threshold with JOB.EXPIRED and remove their queue entries',
    tag: 'admin',
    access: 'admin',
    body: expireJobsBody,
    responses: {
      200: {
        description: 'the jobs expired',
        schema: z.object({ expired: z.array(z.object({ tenantId: z.string(), id: z.string() })) }),
      },
    },
  },
  {
    method: 'GET',
    path: '/v1/admin/queues',
    summary: 'Every queue: paused or not, and its job counts',
    tag: 'admin',
    access: 'admin',
    responses: { 200: { description: 'queues', schema: z.object({ items: z.array(queueStateView) }) } },
  },
  {
    method: 'POST',
    path: '/v1/admin/queues/:queue/pause',
    summary: "Pause a queue (a model profile's scenes: scene.<profile>); running jobs finish",
    tag: 'admin',
    access: 'admin',
    params: queueParam,
    responses: { 200: { description: 'the queue now', schema: queueStateView } },
  },
  {
    method: 'POST',
    path: '/v1/admin/queues/:queue/resume',
    summary: 'Resume a paused queue',
    tag: 'admin',
    access: 'admin',
    params: queueParam,
    responses: { 200: { description: 'the queue now', schema: queueStateView } },
  },
];
