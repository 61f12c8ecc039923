import { z } from 'zod';
import { briefSchema, storyboardSchema } from '@app/domain';
import { enhanceBody, extractBody, updateBody, variationsBody } from '../../prompts/prompts.controller';
import { anyObject, type RouteDoc } from '../route-doc';

const briefAndStoryboard = z.intersection(briefSchema, z.object({ storyboard: storyboardSchema.optional() }));

/** Storyboards, prompt tools, usage, safety audit, studio configuration, webhooks. */
export const TOOLS_DOCS: RouteDoc[] = [
  {
    method: 'POST',
    path: '/v1/storyboards',
    summary: 'Plan a brief into a storyboard without generating anything',
    tag: 'storyboards',
    access: 'tenant',
    body: briefSchema,
    responses: {
      200: {
        description: 'the brief, its storyboard and the planning report',
        schema: z.object({ brief: anyObject, storyboard: anyObject, planning: anyObject }),
      },
    },
    errors: [422],
  },
  {
    method: 'POST',
    path: '/v1/storyboards/estimate',
    summary: "A storyboard's estimated cost and the rules it breaks against its brief",
    tag: 'storyboards',
    access: 'tenant',
    body: briefAndStoryboard,
    responses: { 200: { description: 'the estimate', schema: anyObject } },
  },
  ...(
    [
      ['enhance', 'A rough idea -> a brief', enhanceBody],
      ['extract', 'Free text -> brief fields', extractBody],
      ['update', 'A brief or storyboard plus a request -> a minimally changed version', updateBody],
      ['variations', 'Alternatives of a brief or storyboard', variationsBody],
    ] as const
  ).map(([name, summary, body]): RouteDoc => ({
    method: 'POST',
    path: `/v1/prompts/${name}`,
    summary,
    tag: 'prompts',
    access: 'tenant',
    body,
    responses: { 200: { description: 'the result', schema: anyObject } },
    errors: [422],
  })),
  {
    method: 'GET',
    path: '/v1/usage',
    summary: "What the tenant's jobs used in a month",
    tag: 'usage',
    access: 'tenant',
    query: z.object({
      month: z
        .string()
        .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
        .optional(),
    }),
    responses: {
      200: {
        description: 'the month',
        schema: z.object({
          month: z.string(),
          costUsd: z.number(),
          seconds: z.number(),
          calls: z.number(),
          jobs: z.number(),
        }),
      },
    },
  },
  {
    method: 'GET',
    path: '/v1/safety/audit',
    summary: "The tenant's blocked requests (the prompt's hash, never the prompt)",
    tag: 'safety',
    access: 'tenant',
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    responses: { 200: { description: 'newest first', schema: z.object({ items: z.array(anyObject) }) } },
  },
  {
    method: 'GET',
    path: '/v1/studio/config',
    summary: "The studio's sign-in configuration (single sign-on or API keys)",
    tag: 'studio',
    access: 'public',
    responses: { 200: { description: 'OIDC endpoints or null', schema: z.object({ oidc: anyObject.nullable() }) } },
    errors: [503],
  },
  {
    method: 'POST',
    path: '/v1/webhooks/replicate',
    summary: "Replicate's prediction webhooks (Standard Webhooks signature)",
    tag: 'webhooks',
    access: 'public',
    body: anyObject,
    responses: { 204: { description: 'accepted' } },
    errors: [401, 404],
  },
];
