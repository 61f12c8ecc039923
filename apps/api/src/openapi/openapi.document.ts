import { z } from 'zod';
import { errorBody, type RouteDoc } from './route-doc';

type JsonSchema = Record<string, unknown>;

/** Route-level errors every route of an access level answers. */
const ACCESS_ERRORS: Record<RouteDoc['access'], number[]> = {
  public: [],
  tenant: [401],
  admin: [401, 403],
};

const STATUS_TEXT: Record<number, string> = {
  400: 'the request is invalid: every problem listed',
  401: 'no or unknown credentials (AUTH.UNAUTHORIZED)',
  402: 'over the budget (BUDGET.EXCEEDED)',
  403: 'the caller lacks the role (AUTH.FORBIDDEN)',
  404: 'not found (another tenant’s job answers the same)',
  409: 'conflicts with the resource’s state',
  410: 'gone',
  422: 'refused (safety, idempotency key reuse)',
  429: 'too many requests',
  503: 'a dependency is unavailable',
};

/**
 * JSON Schema 2020-12 (OpenAPI 3.1's dialect) of what a client sends or receives. Named schemas
 * (`.meta({ id })`) land in `components` once and are referenced from there.
 */
function schemaOf(schema: z.ZodType, io: 'input' | 'output', components: Record<string, unknown>): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    reused: 'inline',
  }) as JsonSchema;
  delete json.$schema;
  const defs = (json.$defs ?? {}) as Record<string, unknown>;
  delete json.$defs;
  for (const [name, def] of Object.entries(defs)) components[name] ??= toComponentRefs(def);
  const rewritten = toComponentRefs(json) as JsonSchema;
  if (typeof rewritten.id === 'string') {
    const { id, ...rest } = rewritten;
    components[id] ??= rest;
    return { $ref: `#/components/schemas/${id}` };
  }
  return rewritten;
}

function toComponentRefs(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/\$defs\/([^"]+)"/g, '"#/components/schemas/$1"'));
}

/** `/v1/jobs/:id` → `/v1/jobs/{id}` */
export function openApiPath(nestPath: string): string {
  return nestPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(
  where: 'path' | 'query' | 'header',
  schema: z.ZodObject | undefined,
  components: Record<string, unknown>,
) {
  if (!schema) return [];
  const json = schemaOf(schema, 'input', components);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

/**
 * The OpenAPI 3.1 document of the API, built from the route descriptions (and so from the zod
 * schemas the routes validate with). Error answers share one `Error` component.
 */
export function buildOpenApiDocument(routes: RouteDoc[], info: { version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {};
  const errorSchema = schemaOf(errorBody, 'output', schemas);
  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, doc] of Object.entries(route.responses)) {
      const content = doc.schema
        ? { 'application/json': { schema: schemaOf(doc.schema, 'output', schemas) } }
        : doc.contentType
          ? { [doc.contentType]: { schema: { type: 'string' } } }
          : undefined;
      responses[status] = { description: doc.description, ...(content ? { content } : {}) };
    }
    const errors = new Set([
      ...(route.body || route.query ? [400] : []),
      ...ACCESS_ERRORS[route.access],
      ...(route.errors ?? []),
    ]);
    for (const status of [...errors].sort()) {
      if (responses[status]) continue;
      responses[status] = {
        description: STATUS_TEXT[status] ?? 'an error',
        content: { 'application/json': { schema: errorSchema } },
      };
    }
    const operation = {
      operationId: `${route.method.toLowerCase()}${openApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, c?: string) => (c ?? '').toUpperCase())}`,
      summary: route.summary,
      tags: [route.tag],
      security: route.access === 'public' ? [] : [{ apiKey: [] }, { bearer: [] }],
      ...(route.access === 'admin' ? { 'x-required-role': 'admin' } : {}),
      parameters: [
        ...parameters('path', route.params, schemas),
        ...parameters('query', route.query, schemas),
        ...parameters('header', route.headers, schemas),
      ],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(route.body, 'input', schemas) } },
            },
          }
        : {}),
      responses,
    };
    (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Reelsmith API',
      version: info.version,
      description: 'Brief in, finished ad video out. Every error answers the `Error` shape with a stable code.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        bearer: { type: 'http', scheme: 'bearer', description: 'an API key or an OIDC access token' },
      },
    },
  };
}
