import { type DynamicModule, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { type IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { type ObservabilityConfig } from '@app/config';
import { createRootLogger } from './logging';
import { stopTracing } from './tracing';

/** Sends the last buffered spans when the process shuts down. */
@Injectable()
class TracingShutdown implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return stopTracing();
  }
}

@Module({})
export class ObservabilityModule {}

/**
 * nestjs-pino over the process's root logger. On the API every request's lines carry its
 * `requestId` (set by the request middleware before this one runs); the per-request summary line
 * is the audit record, so pino-http's own "request completed" line is off.
 */
export function loggerModule(
  config: Pick<ObservabilityConfig, 'logLevel' | 'logFormat'>,
  service: string,
): DynamicModule {
  const logging = LoggerModule.forRoot({
    pinoHttp: {
      logger: createRootLogger(config, service),
      genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? '',
      customAttributeKeys: { reqId: 'requestId' },
      quietReqLogger: true,
      autoLogging: false,
    },
  });
  return { module: ObservabilityModule, imports: [logging], providers: [TracingShutdown], exports: [logging] };
}
