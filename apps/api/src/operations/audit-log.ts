import { basename, dirname } from 'node:path';
import { type OnApplicationShutdown } from '@nestjs/common';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import { type ObservabilityConfig } from '@app/config';
import { currentLogger } from '@app/observability';

/** One request, as an operator audits it: who asked what, and how it was answered (never a key or a body). */
export interface AuditRecord {
  time: string;
  requestId: string;
  method: string;
  route: string;
  path: string;
  tenantId: string | null;
  /** the tenant and the key's fingerprint, or the token's subject */
  actor: string | null;
  status: number;
  latencyMs: number;
  errorCode: string | null;
}

/**
 * Request audit records: JSON lines in AUDIT_LOG_PATH, rotated by size (rotating-file-stream keeps
 * the newest 10 files), or, without a path, one `audit` line each in the structured log.
 */
export class AuditLog implements OnApplicationShutdown {
  private readonly stream: RotatingFileStream | null;

  constructor(config: Pick<ObservabilityConfig, 'auditLogPath' | 'auditLogMaxBytes'>) {
    this.stream = config.auditLogPath
      ? createStream(basename(config.auditLogPath), {
          path: dirname(config.auditLogPath),
          size: `${Math.ceil(config.auditLogMaxBytes / 1024)}K`,
          maxFiles: 10,
        })
      : null;
    this.stream?.on('error', (error: Error) => currentLogger().error({ err: error }, 'audit log write failed'));
  }

  write(record: AuditRecord): void {
    if (this.stream) this.stream.write(`${JSON.stringify(record)}\n`);
    else currentLogger().info({ audit: record }, 'audit');
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  close(): Promise<void> {
    const stream = this.stream;
    if (!stream) return Promise.resolve();
    return new Promise((resolve) => stream.end(() => resolve()));
  }
}
