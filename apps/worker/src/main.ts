import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@app/config';
import { WorkerModule } from './worker.module';

async function bootstrap() {
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule.register(config), { bufferLogs: false });
  app.enableShutdownHooks();
  // Started by the embedded stack: when it dies, so do we (nothing else would stop us).
  process.on('disconnect', () => void app.close().finally(() => process.exit(1)));
  return app;
}

bootstrap().catch((error: unknown) => {
  new Logger('worker').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
