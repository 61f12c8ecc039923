import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type TenantRequest } from './api-key.guard';

/** The caller's tenant, from its API key or access token (set by AuthGuard). */
export const Tenant = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const tenantId = context.switchToHttp().getRequest<TenantRequest>().tenantId;
  if (!tenantId) throw new Error('Tenant used on a route without AuthGuard');
  return tenantId;
});

/** The tenant and key fingerprint (or token subject) of the caller (set by AuthGuard), for audit records. */
export const Actor = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const actor = context.switchToHttp().getRequest<TenantRequest>().actor;
  if (!actor) throw new Error('Actor used on a route without AuthGuard');
  return actor;
});
