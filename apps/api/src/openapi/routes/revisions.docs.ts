import { z } from 'zod';
import { anyObject, jobIdParam, type RouteDoc } from '../route-doc';

const revisionRequest = z.object({
  storyboard: anyObject.optional().describe('a whole edited storyboard'),
  scenes: z
    .array(anyObject)
    .optional()
    .describe('patches by scene index: visualPrompt, onscreenText, narration, durationSec, transitionIn, camera, seed'),
  brief: anyObject
    .optional()
    .describe(
      "brief fields that keep the ad's length: callToAction, compliance, brand, music, voiceover, watermark, loudness, formats",
    ),
  regenerate: z.array(z.number().int().min(0)).optional().describe('scenes to make again with a new seed'),
});

const revisionView = z
  .object({ revision: z.number().int(), status: z.string(), changes: anyObject, costUsd: z.number().nullable() })
  .passthrough()
  .meta({ id: 'RevisionView' });

/** Editing a finished job: revisions that make again only what changed. */
export const REVISIONS_DOCS: RouteDoc[] = [
  {
    method: 'POST',
    path: '/v1/jobs/:id/revisions',
    summary: 'Revise a completed or failed job (?dryRun=true: what would be made again, and its cost)',
    tag: 'revisions',
    access: 'tenant',
    params: jobIdParam,
    query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
    body: revisionRequest,
    responses: {
      200: { description: 'dry run: the plan and its estimate', schema: anyObject },
      202: { description: 'the revision started', schema: revisionView },
    },
    errors: [402, 409, 422, 429],
  },
  {
    method: 'GET',
    path: '/v1/jobs/:id/revisions',
    summary: 'Every revision with its changes, status, outputs and cost',
    tag: 'revisions',
    access: 'tenant',
    params: jobIdParam,
    responses: {
      200: { description: 'the revisions', schema: z.object({ items: z.array(revisionView) }).passthrough() },
    },
  },
];
