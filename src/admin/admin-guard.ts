import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AdminPrincipal } from '../http/portal-access';
import { AppError } from '../platform/errors';
import type { Logger } from '../platform/logger';

export interface AdminGuardOptions {
  readonly adminToken: string | undefined;
  /** Resolves a browser session (cookie) to a principal; added by the admin sign-in. */
  readonly sessionPrincipal?: (req: Request) => Promise<AdminPrincipal | null>;
  /**
   * For pages (not APIs): a browser without a session is sent to sign in, then back here,
   * instead of reading a JSON 401.
   */
  readonly signInPath?: string;
  /** Shared by every guard of the app, so the page and the API count one client's failures together. */
  readonly failedAttempts?: FailedAdminAttempts;
}

/**
 * Wrong admin tokens per client address: after `limit` failures within `windowSeconds` every
 * bearer request from that address is refused, a right token included, until the window ends, so
 * guessing the token stops paying. The answer stays an immediate 401: nothing slows the event loop
 * and nothing tells a guesser more than before. With Redis (scale mode) the count is shared by every
 * web process, so a guesser gets no more tries by landing on another; while Redis does not answer,
 * each process counts in its own memory instead of failing the request.
 */
export class FailedAdminAttempts {
  private readonly limiter: RateLimiterAbstract;

  constructor(private readonly options: { limit?: number; windowSeconds?: number; logger?: Logger; redis?: Redis } = {}) {
    const window = { points: options.limit ?? 10, duration: options.windowSeconds ?? 900 };
    this.limiter = options.redis
      ? new RateLimiterRedis({
          ...window,
          storeClient: options.redis,
          keyPrefix: 'personas:admin-auth-failures',
          insuranceLimiter: new RateLimiterMemory(window),
        })
      : new RateLimiterMemory(window);
  }

  /** Seconds until `client` may try again, or 0 when it may try now. */
  async blockedFor(client: string): Promise<number> {
    const state = await this.limiter.get(client);
    return state && state.remainingPoints <= 0 ? Math.max(1, Math.ceil(state.msBeforeNext / 1000)) : 0;
  }

  async recordFailure(client: string): Promise<void> {
    const state = await this.limiter.penalty(client, 1);
    this.options.logger?.warn(
      { client, failures: state.consumedPoints, blockedForSeconds: state.remainingPoints <= 0 ? Math.ceil(state.msBeforeNext / 1000) : 0 },
      'failed admin authentication',
    );
  }
}

const clientOf = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time string comparison (hashing first gives equal lengths). */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * `Authorization: Bearer $ADMIN_TOKEN` for automation, or an admin session. A session's
 * state-changing requests must carry the session's CSRF token; bearer requests are exempt because
 * a browser never attaches that header on its own.
 */
export function requireAdmin(options: AdminGuardOptions): RequestHandler {
  const expected = options.adminToken ? digest(options.adminToken) : null;
  return async function adminGuard(req, res, next) {
    const header = req.header('authorization');
    if (header?.startsWith('Bearer ')) {
      const client = clientOf(req);
      const waitSeconds = options.failedAttempts ? await options.failedAttempts.blockedFor(client) : 0;
      if (waitSeconds > 0) {
        res.setHeader('retry-after', String(waitSeconds));
        next(new AppError('unauthorized', `Too many failed admin authentications from this address; try again in ${waitSeconds} s`));
        return;
      }
      if (expected && timingSafeEqual(digest(header.slice('Bearer '.length).trim()), expected)) {
        (req as Request & { admin?: AdminPrincipal }).admin = { actor: 'admin-token', portals: 'all' };
        next();
        return;
      }
      await options.failedAttempts?.recordFailure(client);
      next(new AppError('unauthorized', 'Invalid admin token'));
      return;
    }
    const principal = options.sessionPrincipal ? await options.sessionPrincipal(req) : null;
    if (!principal) {
      if (options.signInPath && req.method === 'GET' && req.accepts(['json', 'html']) === 'html') {
        res.redirect(302, `${options.signInPath}?returnTo=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      next(new AppError('unauthorized', 'Sign in as an admin, or send Authorization: Bearer <ADMIN_TOKEN>'));
      return;
    }
    if (!SAFE_METHODS.has(req.method)) {
      const given = req.header(CSRF_HEADER);
      if (!principal.csrfToken || !given || !sameSecret(given, principal.csrfToken)) {
        next(new AppError('forbidden', `Missing or wrong ${CSRF_HEADER} header; reload the page`));
        return;
      }
    }
    (req as Request & { admin?: AdminPrincipal }).admin = principal;
    next();
  };
}

/** A return path after sign-in: only a path on this app, never another origin (no open redirect). */
export function safeReturnPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2000) return null;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\r\n]/.test(value)) return null;
  return value;
}
