import { createHash } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Request } from 'express';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AppError, ErrorCodes } from '@app/domain';

export const PUBLIC_ROUTE = 'reelsmith:public';
/** Marks a route as reachable without an API key (health only). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

export interface TenantRequest extends Request {
  tenantId?: string;
  /** who is calling, for audit records: the tenant and a fingerprint of its key (never the key) */
  actor?: string;
}

/** `x-api-key: <key>` or `Authorization: Bearer <key>`, looked up in API_KEYS; the key decides the tenant. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()]))
      return true;
    const request = context.switchToHttp().getRequest<TenantRequest>();
    const header = request.headers['x-api-key'];
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const key = (Array.isArray(header) ? header[0] : header) ?? bearer;
    const tenantId = key ? this.config.apiKeys.get(key.trim()) : undefined;
    if (!tenantId) {
      throw new AppError(
        ErrorCodes.unauthorized,
        key ? 'the API key is not valid' : 'an API key is required (x-api-key)',
        {
          status: 401,
        },
      );
    }
    request.tenantId = tenantId;
    request.actor = `${tenantId}/key:${createHash('sha256').update(key!).digest('hex').slice(0, 12)}`;
    return true;
  }
}
