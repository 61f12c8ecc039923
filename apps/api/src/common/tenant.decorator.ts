import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type TenantRequest } from './api-key.guard';

/** The tenant the API key belongs to (set by ApiKeyGuard). */
export const Tenant = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const tenantId = context.switchToHttp().getRequest<TenantRequest>().tenantId;
  if (!tenantId) throw new Error('Tenant used on a route without ApiKeyGuard');
  return tenantId;
});

/** The tenant and key fingerprint of the caller (set by ApiKeyGuard), for audit records. */
export const Actor = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const actor = context.switchToHttp().getRequest<TenantRequest>().actor;
  if (!actor) throw new Error('Actor used on a route without ApiKeyGuard');
  return actor;
});
