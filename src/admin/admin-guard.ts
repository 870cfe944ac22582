import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { AppError } from '../platform/errors';

/** Who is acting on the admin API, and on which portals. */
export interface AdminPrincipal {
  readonly actor: string;
  /** `all` for the automation token; a signed-in admin may act on their own portal only. */
  readonly portals: 'all' | readonly number[];
}

export interface AdminGuardOptions {
  readonly adminToken: string | undefined;
  /** Resolves a browser session (cookie) to a principal; added by the admin sign-in. */
  readonly sessionPrincipal?: (req: Request) => Promise<AdminPrincipal | null>;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function principalOf(req: Request): AdminPrincipal {
  const principal = (req as Request & { admin?: AdminPrincipal }).admin;
  if (!principal) throw new AppError('unauthorized', 'Sign in as an admin first');
  return principal;
}

/** Refuses a principal acting on a portal that is not theirs: one portal can never see another's data. */
export function assertPortalAccess(principal: AdminPrincipal, portalId: number): void {
  if (principal.portals !== 'all' && !principal.portals.includes(portalId)) {
    throw new AppError('forbidden', `No access to portal ${portalId}`);
  }
}

/** `Authorization: Bearer $ADMIN_TOKEN` for automation, or an admin session. */
export function requireAdmin(options: AdminGuardOptions): RequestHandler {
  const expected = options.adminToken ? digest(options.adminToken) : null;
  return async function adminGuard(req, _res, next) {
    const header = req.header('authorization');
    if (header?.startsWith('Bearer ')) {
      // Hashing both sides gives equal lengths, so the comparison is constant-time.
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
      next(new AppError('unauthorized', 'Sign in as an admin, or send Authorization: Bearer <ADMIN_TOKEN>'));
      return;
    }
    (req as Request & { admin?: AdminPrincipal }).admin = principal;
    next();
  };
}
