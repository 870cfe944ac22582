import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { AdminPrincipal } from '../http/portal-access';
import { AppError } from '../platform/errors';

export interface AdminGuardOptions {
  readonly adminToken: string | undefined;
  /** Resolves a browser session (cookie) to a principal; added by the admin sign-in. */
  readonly sessionPrincipal?: (req: Request) => Promise<AdminPrincipal | null>;
  /**
   * For pages (not APIs): a browser without a session is sent to sign in, then back here,
   * instead of reading a JSON 401.
   */
  readonly signInPath?: string;
}

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
      if (expected && timingSafeEqual(digest(header.slice('Bearer '.length).trim()), expected)) {
        (req as Request & { admin?: AdminPrincipal }).admin = { actor: 'admin-token', portals: 'all' };
        next();
        return;
      }
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
