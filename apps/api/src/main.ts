import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type AppConfig, loadConfig } from '@app/config';
import { ApiModule } from './api.module';

export async function createApi(config: AppConfig): Promise<NestExpressApplication> {
  // rawBody: webhook signatures are checked over the exact bytes received.
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.register(config), {
    bufferLogs: false,
    rawBody: true,
  });
  app.useBodyParser('json', { limit: '256kb' });
  app.enableShutdownHooks();
  return app;
}

async function bootstrap() {
  const config = loadConfig();
  const app = await createApi(config);
  await app.listen(config.port, config.host);
  new Logger('api').log(`listening on http://${config.host}:${config.port}`);
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
