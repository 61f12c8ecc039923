import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@app/config';
import { startStack } from './embedded-stack';

async function main() {
  const logger = new Logger('stack');
  const stack = await startStack(loadConfig(), logger);
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
