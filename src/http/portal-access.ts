import type { Request } from 'express';
import { z } from 'zod';
import type { PortalId } from '../crm/model';
import { AppError } from '../platform/errors';
import { parseOrThrow } from './validate';

/** Who is acting on the admin API, and on which portals. */
export interface AdminPrincipal {
  readonly actor: string;
  /** `all` for the automation token; a signed-in admin may act on their own portal only. */
  readonly portals: 'all' | readonly number[];
  /** Set for browser sessions: state-changing requests must echo it in `X-CSRF-Token`. */
  readonly csrfToken?: string;
}

/** The principal the admin guard attached to the request. */
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

const portalIdParam = z.coerce.number().int().positive();

/** The `:portalId` route parameter, once the caller is known to have access to that portal. */
export function portalOf(req: Request): PortalId {
  const portalId = parseOrThrow(portalIdParam, req.params.portalId, 'portal id');
  assertPortalAccess(principalOf(req), portalId);
  return portalId;
}
