import { type CanActivate, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Request } from 'express';
import { AppError, Errors } from '@app/domain';
import { assignLogContext } from '@app/observability';
import { ApiKeyVerifier } from './api-key.verifier';
import { type Caller, type Role } from './caller';
import { OidcTokenVerifier } from './oidc-token.verifier';

export const PUBLIC_ROUTE = 'reelsmith:public';
/** Marks a route as reachable without credentials (health only). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

export const REQUIRED_ROLE = 'reelsmith:required-role';
/**
 * Only callers holding the admin role: an API key entry `key=tenant:admin`, or a token carrying
 * OIDC_ADMIN_SCOPE. A valid caller without it gets 403 `AUTH.FORBIDDEN`; no credentials, 401.
 * On a controller class it covers every route of the class.
 */
export const AdminOnly = () => SetMetadata(REQUIRED_ROLE, 'admin' satisfies Role);

export interface TenantRequest extends Request {
  tenantId?: string;
  /** who is calling, for audit records: the tenant and a fingerprint of its key (never the key) or the token's subject */
  actor?: string;
  roles?: Role[];
  scopes?: string[];
}

/**
 * Every route but the public ones needs a caller: `x-api-key: <key>` or `Authorization: Bearer <key>`
 * looked up in API_KEYS, or, when OIDC_ISSUER is set, `Authorization: Bearer <access token>`. The
 * credential decides the tenant.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyVerifier,
    private readonly tokens: OidcTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<TenantRequest>();
    const caller = await this.authenticate(request);
    request.tenantId = caller.tenantId;
    request.actor = caller.actor;
    request.roles = caller.roles;
    request.scopes = caller.scopes;
    assignLogContext({ tenantId: caller.tenantId });
    const role = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets);
    if (role && !caller.roles.includes(role)) {
      throw new AppError(Errors.forbidden, `this route needs the ${role} role`);
    }
    return true;
  }

  /** The caller of a request that no Nest guard sees (the queue board's Express router). */
  async authenticate(request: TenantRequest): Promise<Caller> {
    const header = request.headers['x-api-key'];
    const apiKey = Array.isArray(header) ? header[0] : header;
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
    if (!apiKey && bearer && this.tokens.enabled && OidcTokenVerifier.looksLikeJwt(bearer)) {
      return this.tokens.verify(bearer);
    }
    const key = apiKey ?? bearer;
    if (!key) {
      throw unauthorized(
        this.tokens.enabled
          ? 'an API key (x-api-key) or an access token (Authorization: Bearer) is required'
          : 'an API key is required (x-api-key)',
      );
    }
    const caller = this.apiKeys.verify(key);
    if (!caller) throw unauthorized('the API key is not valid');
    return caller;
  }
}

function unauthorized(message: string): AppError {
  return new AppError(Errors.unauthorized, message);
}
