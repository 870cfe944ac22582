import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AUTH_MISSING_MESSAGE, errorBody, sendError } from './hubspot-errors';
import type { OAuthServer } from './oauth-server';
import { BURST_WINDOW_MS, type RateLimiter } from './rate-limiter';

/**
 * What every call to the portal's API (/crm, /account-info, /automation) passes before its route:
 * the bearer token, the portal's rate limits (with HubSpot's headers and 429 bodies), the request
 * counts a test reads back, and the JSON body with its raw length (search bodies are limited by size).
 */

export interface SandboxStats {
  requests: number;
  throttled: number;
  byPath: Record<string, number>;
  /** The most requests (refused ones included) that arrived in any rolling 10 s, search excluded as HubSpot does. */
  peakPer10s: number;
}

const rawLengths = new WeakMap<Request, number>();

function normalizePath(method: string, path: string): string {
  return `${method} ${path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
}

export interface ApiRequestGate {
  /** Authenticate, rate-limit and count, parse the JSON body: in this order. */
  readonly middleware: RequestHandler[];
  stats(portalId: number): SandboxStats;
}

export function createApiRequestGate(deps: {
  oauth: Pick<OAuthServer, 'check'>;
  limiter: RateLimiter;
  clock: () => number;
}): ApiRequestGate {
  const { oauth, limiter, clock } = deps;
  const stats = new Map<number, Omit<SandboxStats, 'peakPer10s'> & { burstTimes: number[] }>();
  const statsOf = (portalId: number) => {
    if (!stats.has(portalId)) stats.set(portalId, { requests: 0, throttled: 0, byPath: {}, burstTimes: [] });
    return stats.get(portalId)!;
  };
  const peakOf = (times: readonly number[]): number => {
    let peak = 0;
    for (let start = 0, end = 0; end < times.length; end++) {
      while (times[end]! - times[start]! >= BURST_WINDOW_MS) start++;
      peak = Math.max(peak, end - start + 1);
    }
    return peak;
  };

  const authenticate = (req: Request, res: Response, next: NextFunction): void => {
    const check = oauth.check(req.header('authorization'));
    if (!check.ok) {
      // HubSpot tells an expired token apart (EXPIRED_AUTHENTICATION) from a missing, unknown or
      // revoked one (INVALID_AUTHENTICATION). Clients must still treat any 401 as "refresh, then
      // retry once", since the reference warns a 401 is no reliable sign of expiry (docs/hubspot-contracts.md, OAuth tokens).
      if (check.reason === 'expired')
        return sendError(res, 401, 'EXPIRED_AUTHENTICATION', 'The OAuth token used to make this call expired.');
      return sendError(res, 401, 'INVALID_AUTHENTICATION', AUTH_MISSING_MESSAGE);
    }
    res.locals.portalId = check.portalId;
    res.locals.scopes = check.scopes;
    next();
  };

  const rateLimit = (req: Request, res: Response, next: NextFunction): void => {
    const portalId = res.locals.portalId as number;
    const s = statsOf(portalId);
    s.requests += 1;
    const fullPath = req.originalUrl.split('?')[0];
    const key = normalizePath(req.method, fullPath);
    s.byPath[key] = (s.byPath[key] ?? 0) + 1;
    const isSearch = req.method === 'POST' && /\/search$/.test(fullPath);
    if (!isSearch) s.burstTimes.push(clock());
    const decision = limiter.take(portalId, isSearch ? 'search' : 'burst');
    if (!isSearch) {
      // Search responses carry no rate-limit headers (docs/hubspot-contracts.md, Search).
      res.setHeader('X-HubSpot-RateLimit-Max', String(limiter.max));
      res.setHeader('X-HubSpot-RateLimit-Remaining', String(decision.remaining));
      res.setHeader('X-HubSpot-RateLimit-Interval-Milliseconds', String(BURST_WINDOW_MS));
    }
    if (decision.allowed) return next();
    s.throttled += 1;
    if (isSearch) {
      res.status(429).json(
        errorBody('RATE_LIMITS', 'You have reached your secondly limit.', {
          errorType: 'RATE_LIMIT',
          requestId: errorBody('', '').correlationId,
        }),
      );
    } else {
      res.status(429).json(
        errorBody('RATE_LIMITS', 'You have reached your ten_secondly_rolling limit.', {
          errorType: 'RATE_LIMIT',
          policyName: 'TEN_SECONDLY_ROLLING',
          requestId: errorBody('', '').correlationId,
        }),
      );
    }
  };

  const jsonBody = express.json({
    limit: '1mb',
    verify: (req, _res, buf) => {
      rawLengths.set(req as Request, buf.length);
    },
  });
  const recordLength = (req: Request, res: Response, next: NextFunction): void => {
    res.locals.rawBodyLength = rawLengths.get(req) ?? 0;
    next();
  };

  return {
    middleware: [authenticate, rateLimit, jsonBody, recordLength],
    stats: (portalId) => {
      const s = statsOf(portalId);
      return { requests: s.requests, throttled: s.throttled, byPath: { ...s.byPath }, peakPer10s: peakOf(s.burstTimes) };
    },
  };
}
