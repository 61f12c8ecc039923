import { type LoggerService } from '@nestjs/common';
import { Store, storage } from 'nestjs-pino/storage';
import pino, { type Logger } from 'pino';
import { type ObservabilityConfig } from '@app/config';

/** Fields that tie a log line to a request and a job; each set where it applies. */
export interface LogContext {
  requestId?: string;
  tenantId?: string;
  jobId?: string;
  step?: string;
  scene?: number;
}

let root: Logger | null = null;

/**
 * The process's one pino logger: a JSON object per line on stdout (LOG_FORMAT=json), or
 * pino-pretty's coloured lines for a terminal. `service` names the process in every line.
 */
export function createRootLogger(config: Pick<ObservabilityConfig, 'logLevel' | 'logFormat'>, service: string): Logger {
  root = pino({
    level: config.logLevel,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    ...(config.logFormat === 'pretty'
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } }
      : {}),
  });
  routeProcessWarnings(root);
  return root;
}

/**
 * Node prints process warnings (deprecations, the AWS SDK's Node-version notice) as plain text on
 * stderr; they become JSON lines of the structured log instead.
 */
function routeProcessWarnings(logger: Logger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error & { code?: string }) =>
    logger.warn({ context: 'process', warning: { name: warning.name, code: warning.code } }, warning.message),
  );
}

/** The logger of the current request or job (its context fields bound), else the process's. */
export function currentLogger(): Logger {
  return storage.getStore()?.logger ?? root ?? createRootLogger({ logLevel: 'info', logFormat: 'json' }, 'reelsmith');
}

/** Runs `work` with `fields` on every line logged inside it (Nest Loggers included), across awaits. */
export function withLogContext<T>(fields: LogContext, work: () => T): T {
  return storage.run(new Store(currentLogger().child(defined(fields))), work);
}

/** Adds fields to the current request's or job's lines from here on (the tenant once authenticated, the job once made). */
export function assignLogContext(fields: LogContext): void {
  const store = storage.getStore();
  if (store) store.logger = store.logger.child(defined(fields));
}

/**
 * A Nest LoggerService over pino for processes without nestjs-pino's module (the embedded stack),
 * so every process writes the same JSON lines.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger = currentLogger()) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, stack: trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

function defined(fields: LogContext): LogContext {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null)) as LogContext;
}
