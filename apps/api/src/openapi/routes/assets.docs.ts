import { z } from 'zod';
import { anyObject, jobIdParam, type RouteDoc } from '../route-doc';

const assetOutput = z.object({
  type: z.enum(['image', 'video', 'gif']),
  url: z.string().optional().describe('presigned, with return_format url'),
  data: z.string().optional().describe('base64, with return_format base64'),
  contentType: z.string(),
  width: z.number(),
  height: z.number(),
  durationSec: z.number().nullable(),
  metadata: z.object({ model: z.string(), seed: z.number().nullable(), params: anyObject, promptSha256: z.string() }),
});

const assetView = z
  .object({ id: z.string(), kind: z.literal('asset'), status: z.string(), outputs: z.array(assetOutput) })
  .passthrough()
  .meta({ id: 'AssetView' });

const input = z
  .union([z.string().describe('base64 PNG/JPEG or a data URL'), z.object({ output_id: z.string() })])
  .describe('an upload, or an earlier output of this tenant');

const assetRequest = (modes: [string, ...string[]]) =>
  z.object({
    prompt: z.string().max(2000),
    negative_prompt: z.string().optional(),
    mode: z.enum(modes).optional(),
    params: z
      .object({
        width: z.number().int().optional(),
        height: z.number().int().optional(),
        frames: z.number().int().optional(),
        fps: z.number().int().optional(),
        steps: z.number().int().optional(),
        guidance: z.number().optional(),
        seed: z.number().int().optional(),
        max_bytes: z.number().int().optional().describe('GIF size cap'),
      })
      .optional(),
    image: input.optional(),
    mask: input.optional(),
    video: input.optional(),
    profile: z.string().optional(),
    safety_level: z.enum(['standard', 'strict']).optional(),
    watermark: anyObject.optional(),
    return_format: z.enum(['url', 'base64']).optional(),
  });

const waitQuery = z.object({
  wait: z.number().int().min(0).max(120).optional().describe('seconds to wait for the outputs (200 when done)'),
});

const generate = (kind: 'image' | 'video' | 'gif', modes: [string, ...string[]]): RouteDoc => ({
  method: 'POST',
  path: `/v1/generate/${kind}`,
  summary: `Generate one ${kind} (asynchronous; ?wait=N waits)`,
  tag: 'assets',
  access: 'tenant',
  query: waitQuery,
  body: assetRequest(modes),
  responses: {
    200: { description: 'done within the wait', schema: assetView },
    202: { description: 'accepted; follow /v1/jobs/{id}/events', schema: assetView },
  },
  errors: [413, 422, 429],
});

const batchView = z
  .object({ id: z.string(), status: z.string(), items: z.array(anyObject) })
  .passthrough()
  .meta({ id: 'BatchView' });

/** Single assets (image, video, GIF) and batches. */
export const ASSETS_DOCS: RouteDoc[] = [
  generate('image', ['text', 'image', 'inpaint', 'outpaint', 'upscale']),
  generate('video', ['text', 'image']),
  generate('gif', ['text', 'video']),
  {
    method: 'GET',
    path: '/v1/generate/:id',
    summary: 'An asset and its outputs',
    tag: 'assets',
    access: 'tenant',
    params: jobIdParam,
    responses: { 200: { description: 'the asset', schema: assetView } },
  },
  {
    method: 'POST',
    path: '/v1/batches',
    summary: 'Up to 50 briefs or generation requests, or one brief with variations, run in parallel',
    tag: 'batches',
    access: 'tenant',
    body: z.union([
      z.object({ items: z.array(anyObject).min(1).max(50) }),
      z.object({ brief: anyObject, variations: z.number().int().min(1).max(50) }),
    ]),
    responses: { 202: { description: 'accepted', schema: batchView } },
    errors: [422, 429],
  },
  {
    method: 'GET',
    path: '/v1/batches/:id',
    summary: "A batch and each item's status",
    tag: 'batches',
    access: 'tenant',
    params: jobIdParam,
    responses: { 200: { description: 'the batch', schema: batchView } },
  },
  {
    method: 'POST',
    path: '/v1/batches/:id/cancel',
    summary: 'Cancel every live item',
    tag: 'batches',
    access: 'tenant',
    params: jobIdParam,
    responses: { 202: { description: 'cancelling', schema: batchView } },
  },
  {
    method: 'GET',
    path: '/v1/batches/:id/archive',
    summary: 'One ZIP of every finished output, streamed',
    tag: 'batches',
    access: 'tenant',
    params: jobIdParam,
    responses: { 200: { description: 'the ZIP', contentType: 'application/zip' } },
  },
  {
    method: 'GET',
    path: '/v1/batches/:id/events',
    summary: "The batch's progress as Server-Sent Events",
    tag: 'batches',
    access: 'tenant',
    params: jobIdParam,
    responses: { 200: { description: 'event stream', contentType: 'text/event-stream' } },
  },
];
