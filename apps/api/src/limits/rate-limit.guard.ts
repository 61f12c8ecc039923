import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Response } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG, type AppConfig, RATE_CLASSES, type RateClass } from '@app/config';
import { AppError, Errors } from '@app/domain';
import { type TenantRequest } from '../common/api-key.guard';
import { LimitsRedis } from './limits.redis';

export const RATE_CLASS = 'reelsmith:rate-class';
/** The class of requests a route counts against (on a handler or a controller); `reads` when unmarked. */
export const RateLimited = (rateClass: RateClass) => SetMetadata(RATE_CLASS, rateClass);

/**
 * Per-tenant, per-class request budgets (RATE_LIMITS), counted in Redis so every API process
 * draws on the same budget. Runs after the auth guard (it needs the tenant); public routes have
 * no tenant and are not counted here. Every answer carries RateLimit-Limit/Remaining/Reset; a
 * refusal is 429 with Retry-After.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limiters: Record<RateClass, RateLimiterRedis>;

  constructor(
    private readonly reflector: Reflector,
    redis: LimitsRedis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limiters = Object.fromEntries(
      RATE_CLASSES.map((rateClass) => {
        const { points, windowSec } = config.limits.rates[rateClass];
        const limiter = new RateLimiterRedis({
          storeClient: redis.client,
          keyPrefix: `${redis.prefix}:rate:${rateClass}`,
          points,
          duration: windowSec,
          // When Redis cannot answer, each process keeps counting on its own rather than failing requests.
          insuranceLimiter: new RateLimiterMemory({ points, duration: windowSec }),
        });
        return [rateClass, limiter];
      }),
    ) as Record<RateClass, RateLimiterRedis>;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<TenantRequest>();
    if (!request.tenantId) return true;
    const rateClass =
      this.reflector.getAllAndOverride<RateClass | undefined>(RATE_CLASS, [context.getHandler(), context.getClass()]) ??
      'reads';
    const limiter = this.limiters[rateClass];
    const response = context.switchToHttp().getResponse<Response>();
    try {
      setHeaders(response, limiter.points, await limiter.consume(request.tenantId));
      return true;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      setHeaders(response, limiter.points, rejection);
      const retryAfterSec = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      response.setHeader('Retry-After', String(retryAfterSec));
      throw new AppError(
        Errors.rateLimited,
        `too many ${rateClass} requests: at most ${limiter.points} every ${limiter.duration}s; retry in ${retryAfterSec}s`,
        { details: { retryAfterSec } },
      );
    }
  }
}

function setHeaders(response: Response, limit: number, state: RateLimiterRes): void {
  response.setHeader('RateLimit-Limit', String(limit));
  response.setHeader('RateLimit-Remaining', String(Math.max(0, state.remainingPoints)));
  response.setHeader('RateLimit-Reset', String(Math.max(0, Math.ceil(state.msBeforeNext / 1000))));
}
