import SwaggerParser from '@apidevtools/swagger-parser';
import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { loadConfig } from '@app/config';
import { ApiModule } from '../api.module';
import { buildOpenApiDocument, openApiPath } from './openapi.document';
import { ROUTE_DOCS } from './route-docs';

/** Every route Nest mounts for the API's controllers, as `METHOD /path/{param}`. */
function nestRoutes(): string[] {
  const controllers = (ApiModule.register(loadConfig({})).controllers ?? []) as Type[];
  return controllers.flatMap((controller) => {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype).flatMap((name) => {
      const handler = prototype[name];
      if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) return [];
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const path = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
      const full = `/${[base, path]
        .map((p) => p.replace(/^\/+|\/+$/g, ''))
        .filter(Boolean)
        .join('/')}`;
      return [`${method} ${openApiPath(full)}`];
    });
  });
}

describe('the OpenAPI document', () => {
  const document = buildOpenApiDocument(ROUTE_DOCS, { version: 'v1' });

  it('describes every route the API mounts, and nothing it does not', () => {
    const described = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const mounted = nestRoutes();
    expect(mounted.length).toBeGreaterThan(20);
    // A failure here names the route to add to apps/api/src/openapi/routes/*.docs.ts (see README "Operations").
    expect(mounted.filter((route) => !described.includes(route))).toEqual([]);
    expect(described.filter((route) => !mounted.includes(route))).toEqual([]);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
    expect(document.openapi).toBe('3.1.0');
  });

  it('gives the submit route the brief schema, its errors and the admin routes their role', () => {
    const paths = document.paths as Record<string, Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const submit = paths['/v1/jobs'].post;
    expect(JSON.stringify(submit.requestBody.content['application/json'].schema)).toContain('durationSec');
    expect(Object.keys(submit.responses)).toEqual(expect.arrayContaining(['202', '400', '401']));
    expect(submit.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(paths['/v1/admin/jobs/expire'].post['x-required-role']).toBe('admin');
    expect(Object.keys(paths['/v1/admin/usage'].get.responses)).toEqual(expect.arrayContaining(['401', '403']));
  });
});
