import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { loadConfig } from '@app/config';
import { startTracing } from '@app/observability';
import { WorkerModule } from './worker.module';

async function bootstrap() {
  const config = loadConfig(process.env, 'worker');
  startTracing(config.observability, 'reelsmith-worker');
  const app = await NestFactory.createApplicationContext(WorkerModule.register(config), { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks();
  // Started by the embedded stack: when it dies, so do we (nothing else would stop us).
  process.on('disconnect', () => void app.close().finally(() => process.exit(1)));
  return app;
}

bootstrap().catch((error: unknown) => {
  new Logger('worker').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
