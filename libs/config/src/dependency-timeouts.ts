import { Logger } from '@nestjs/common';
import { type AppConfig } from './app-config';

/**
 * AWS SDK client options that bound a stalled endpoint (DynamoDB, S3): a connection, and a socket
 * with no traffic, fail after `timeoutMs`. Failing fast (the API) also caps the whole wait for a
 * response and tries twice at most, so a request can answer 503 within 2 s; workers keep the idle
 * bound only, since an upload of a large clip may take long while bytes still flow.
 */
export function awsClientTimeouts({ timeoutMs, failFast }: AppConfig['dependencies']) {
  return {
    maxAttempts: failFast ? 2 : 3,
    requestHandler: {
      connectionTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      ...(failFast ? { requestTimeout: timeoutMs, throwOnRequestTimeout: true } : {}),
    },
  };
}

const awsSdk = new Logger('AwsSdk');

/**
 * The AWS SDK's own warnings (a failed streaming upload warns before it throws) go through the
 * application's logger, as one JSON line like any other, instead of a bare `console.warn`. Its
 * per-command records are dropped: every failure is thrown to the caller, which knows whether it
 * matters (a conditional write that loses is not an error).
 */
export const awsClientLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (...content: unknown[]) =>
    awsSdk.warn(content.map((c) => (typeof c === 'string' ? c : JSON.stringify(c))).join(' ')),
  error: () => undefined,
};
