import { AppError, Errors } from '@app/domain';
import { newJobId } from './job-id';
import { MAX_CURSOR_LENGTH, PageCursors } from './page-cursor';

describe(PageCursors.name, () => {
  const cursors = new PageCursors('s'.repeat(32));
  const id = newJobId();

  function refused(tenant: string, cursor: string): boolean {
    try {
      cursors.decode(tenant, cursor);
      return false;
    } catch (error) {
      return AppError.is(error, Errors.requestInvalid);
    }
  }

  it('gives back the job id of a cursor it made for the same tenant', () => {
    expect(cursors.decode('tenantA', cursors.encode('tenantA', id))).toBe(id);
  });

  it('refuses a cursor made for another tenant, or by another secret', () => {
    expect(refused('tenantB', cursors.encode('tenantA', id))).toBe(true);
    expect(refused('tenantA', new PageCursors('t'.repeat(32)).encode('tenantA', id))).toBe(true);
  });

  it('refuses tampered, malformed and oversized cursors', () => {
    const good = cursors.encode('tenantA', id);
    const other = newJobId(Date.now() + 1000);
    expect(refused('tenantA', `${other}${good.slice(id.length)}`)).toBe(true);
    expect(refused('tenantA', good.slice(0, -2))).toBe(true);
    expect(refused('tenantA', `${good}.x`)).toBe(true);
    expect(refused('tenantA', 'x'.repeat(MAX_CURSOR_LENGTH + 1))).toBe(true);
    expect(refused('tenantA', Buffer.from('{"t":"tenantA","k":"JOB#x"}').toString('base64url'))).toBe(true);
    expect(refused('tenantA', '')).toBe(true);
  });
});
