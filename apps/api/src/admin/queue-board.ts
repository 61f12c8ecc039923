import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type NextFunction, type Response } from 'express';
import { AppError, Errors } from '@app/domain';
import { AuthGuard, type TenantRequest } from '../common/api-key.guard';
import { toHttp } from '../common/global-exception.filter';
import { AdminQueues } from './admin-queues.service';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * The BullMQ board (@bull-board) at /admin/queues, for admin callers only. Besides `x-api-key` and
 * `Authorization: Bearer`, it takes HTTP Basic with an admin API key as the password, so a browser
 * can open it (it asks once and sends the key with every request of the board).
 */
export function mountQueueBoard(app: NestExpressApplication): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: app.get(AdminQueues).all.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Reelsmith queues' } },
  });
  const guard = app.get(AuthGuard);
  const adminOnly = async (req: TenantRequest, res: Response, next: NextFunction) => {
    try {
      const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (basic && !req.headers['x-api-key']) {
        const decoded = Buffer.from(basic, 'base64').toString('utf8');
        req.headers['x-api-key'] = decoded.slice(decoded.indexOf(':') + 1);
      }
      const caller = await guard.authenticate(req);
      req.tenantId = caller.tenantId;
      req.actor = caller.actor;
      if (!caller.roles.includes('admin')) throw new AppError(Errors.forbidden, 'the queue board needs the admin role');
      // The board's own stylesheet sets inline styles; scripts stay same-origin only.
      res.setHeader(
        'Content-Security-Policy',
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
          "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
      );
      next();
    } catch (error) {
      const { status, body } = toHttp(error);
      res.locals.errorCode = body.code;
      if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="Reelsmith queues", charset="UTF-8"');
      res.status(status).json({ error: body, correlationId: req.id });
    }
  };
  app.use(QUEUE_BOARD_PATH, adminOnly, serverAdapter.getRouter());
}
