import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@app/config';
import { createRootLogger, PinoNestLogger } from '@app/observability';
import { startStack } from './embedded-stack';

async function main() {
  const config = loadConfig();
  // The same JSON lines (or LOG_FORMAT=pretty) as the API and the worker it starts.
  Logger.overrideLogger(new PinoNestLogger(createRootLogger(config.observability, 'stack')));
  const logger = new Logger('stack');
  const stack = await startStack(config, logger);
  let exiting = false;
  const shutdown = (signal: string) => {
    if (exiting) return;
    exiting = true;
    logger.log(`${signal}: stopping`);
    void stack.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  await stack.done;
}

main().catch((error: unknown) => {
  new Logger('stack').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
