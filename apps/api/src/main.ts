import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import { type AppConfig, loadConfig } from '@app/config';
import { ArtifactStore } from '@app/storage';
import { Logger as PinoLogger } from 'nestjs-pino';
import { startTracing } from '@app/observability';
import { mountQueueBoard } from './admin/queue-board';
import { ApiModule } from './api.module';
import { serveApiReference } from './openapi/api-reference';
import { AuditLog } from './operations/audit-log';
import { requestObservability } from './operations/request-observability';
import { OidcTokenVerifier } from './common/oidc-token.verifier';
import { jsonBodiesOnly } from './common/request-intake.middleware';
import { securityHeaders, serveStudio, studioDir } from './studio/studio-site';

/** Two 15 MB inputs in base64 and their JSON. */
const ASSET_BODY_LIMIT = '45mb';

export async function createApi(config: AppConfig): Promise<NestExpressApplication> {
  // rawBody: webhook signatures are checked over the exact bytes received. bodyParser: false, so no
  // form parser is installed: every body is JSON, and the checks below run before it is read.
  startTracing(config.observability, 'reelsmith-api');
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.register(config), {
    bufferLogs: true,
    rawBody: true,
    bodyParser: false,
  });
  app.useLogger(app.get(PinoLogger));
  // First of all: the request id (bounded; a bad one replaced), the server span, and (once
  // answered) HTTP metrics and the audit record.
  app.use(requestObservability(app.get(AuditLog)));
  app.use(jsonBodiesOnly);
  // Room for a brief carrying its logo (a PNG data URL of up to 300 KB) and an edited storyboard;
  // the limit applies after decompression, so a gzip bomb stops at it. Single assets and batches
  // carry input images and masks inline (base64): their routes take more, parsed first (the general
  // parser then leaves an already-read body alone).
  app.use(['/v1/generate', '/v1/batches'], json({ limit: ASSET_BODY_LIMIT }));
  app.useBodyParser('json', { limit: config.limits.bodyBytes });
  app.enableShutdownHooks();
  const tokens = app.get(OidcTokenVerifier);
  // Discovered now, so the studio's CSP lets it reach the token endpoint from the first page on.
  if (config.oidc) void tokens.signInEndpoints().catch(() => undefined);
  app.use(
    securityHeaders({
      artifactOrigin: await app.get(ArtifactStore).presignedOrigin(),
      production: config.production,
      signInOrigin: () => tokens.tokenEndpointOrigin,
    }),
  );
  mountQueueBoard(app);
  serveApiReference(app);
  const studio = studioDir();
  if (studio) serveStudio(app, studio);
  else new Logger('api').warn('dist/studio is missing (npm run build makes it): the studio is not served');
  return app;
}

async function bootstrap() {
  const config = loadConfig(process.env, 'api');
  const app = await createApi(config);
  await app.listen(config.port, config.host);
  new Logger('api').log(`listening on http://${config.host}:${config.port}; the studio is at /`);
  // Started by the embedded stack: when it dies, so do we.
  process.on('disconnect', () => void app.close().finally(() => process.exit(1)));
  process.send?.({ ready: true, port: config.port });
}

if (require.main === module) {
  bootstrap().catch((error: unknown) => {
    new Logger('api').error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
