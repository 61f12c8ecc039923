import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError, Errors } from '@app/domain';
import { isJobId } from './job-id';

/** Longer than any cursor we hand out: refused before it is decoded. */
export const MAX_CURSOR_LENGTH = 200;

/**
 * List cursors: the last job id of a page, bound to its tenant by an HMAC. A cursor that was not
 * made here for this tenant (tampered, forged, replayed by another tenant, oversized) is a 400
 * before anything reaches the table.
 */
export class PageCursors {
  constructor(private readonly secret: string) {}

  encode(tenantId: string, jobId: string): string {
    return `${jobId}.${this.mac(tenantId, jobId).toString('base64url')}`;
  }

  /** The job id the page continues after. */
  decode(tenantId: string, cursor: string): string {
    if (cursor.length <= MAX_CURSOR_LENGTH) {
      const [jobId, mac, extra] = cursor.split('.');
      if (extra === undefined && jobId && mac && isJobId(jobId)) {
        const given = Buffer.from(mac, 'base64url');
        const expected = this.mac(tenantId, jobId);
        if (given.length === expected.length && timingSafeEqual(given, expected)) return jobId;
      }
    }
    throw new AppError(Errors.requestInvalid, 'cursor is not valid for this tenant', {
      details: { problems: [{ field: 'cursor', reason: 'is not a cursor this API gave this tenant' }] },
    });
  }

  private mac(tenantId: string, jobId: string): Buffer {
    return createHmac('sha256', this.secret).update(`${tenantId}\n${jobId}`).digest().subarray(0, 16);
  }
}
