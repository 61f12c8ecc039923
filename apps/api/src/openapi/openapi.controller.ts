import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../common/api-key.guard';
import { buildOpenApiDocument } from './openapi.document';
import { ROUTE_DOCS } from './route-docs';

/** The API's OpenAPI 3.1 document, built once from the route descriptions. */
@Controller('v1/openapi.json')
export class OpenApiController {
  private readonly document = buildOpenApiDocument(ROUTE_DOCS, { version: 'v1' });

  @Public()
  @Get()
  @Header('Cache-Control', 'no-cache')
  get() {
    return this.document;
  }
}
