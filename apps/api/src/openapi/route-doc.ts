import { z } from 'zod';

/** Who may call a route: anyone, any tenant's caller, or a caller with the admin role. */
export type RouteAccess = 'public' | 'tenant' | 'admin';

export interface ResponseDoc {
  description: string;
  /** the JSON body; omit for an empty answer */
  schema?: z.ZodType;
  /** a non-JSON body (`text/event-stream`, `application/zip`, …), described in `description` */
  contentType?: string;
}

/**
 * One route of the API as the OpenAPI document describes it, from the zod schemas the route
 * validates with. `path` is Nest's (`/v1/jobs/:id`); error answers (400/401/403/404/…) are
 * added from `access` and `errors`.
 */
export interface RouteDoc {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  summary: string;
  tag: string;
  access: RouteAccess;
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, ResponseDoc>;
  /** error statuses beyond the ones every route of its access answers */
  errors?: number[];
}

/** The error body of every non-2xx answer. */
export const errorBody = z
  .object({
    error: z.object({
      code: z.string().describe('a stable code from the error catalog, e.g. JOB.NOT_FOUND'),
      message: z.string(),
      problems: z
        .array(z.object({ field: z.string(), reason: z.string() }))
        .optional()
        .describe('every problem of a 400, not only the first'),
    }),
    correlationId: z.string().describe('the request id (also the x-request-id header)'),
  })
  .meta({ id: 'Error' });

export const jobIdParam = z.object({ id: z.string().describe('the job id') });

/** A JSON object whose shape is not pinned down here (passed through from a provider or planner). */
export const anyObject = z.record(z.string(), z.unknown());
