import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { readCookie } from '../http/cookies';
import type { PortalId } from '../crm/model';
import type { Clock } from '../platform/clock';
import type { AdminPrincipal } from '../http/portal-access';
import type { AdminSession, SessionStore } from './session-store';

export interface AdminSessionsDeps {
  readonly store: SessionStore;
  readonly clock: Clock;
  /** True when the app is served over https: cookies are then Secure and `__Host-` prefixed. */
  readonly secure: boolean;
  readonly ttlMs?: number;
}

const DEFAULT_TTL_MS = 8 * 60 * 60 * 1000;

export const hashSecret = (value: string) => createHash('sha256').update(value).digest('base64url');
export const newSecret = () => randomBytes(32).toString('base64url');
/** The CSRF token of the session whose raw id is `id`: computable from the cookie, not from anything stored. */
const csrfTokenOf = (id: string) => hashSecret(`csrf:${id}`);

/** Browser sessions for signed-in admins: an opaque cookie whose hash is the stored key. */
export class AdminSessions {
  readonly cookieName: string;
  private readonly ttlMs: number;

  constructor(private readonly deps: AdminSessionsDeps) {
    this.cookieName = deps.secure ? '__Host-personas_admin' : 'personas_admin';
    this.ttlMs = deps.ttlMs ?? DEFAULT_TTL_MS;
  }

  cookieOptions(maxAgeMs: number) {
    return { httpOnly: true, sameSite: 'lax' as const, secure: this.deps.secure, path: '/', maxAge: maxAgeMs };
  }

  async start(res: Response, who: { portalId: PortalId; userEmail: string | null; userId: string | null }): Promise<AdminSession> {
    const id = newSecret();
    const now = this.deps.clock.now();
    const session: AdminSession = {
      idHash: hashSecret(id),
      portalId: who.portalId,
      userEmail: who.userEmail,
      userId: who.userId,
      csrfTokenHash: hashSecret(csrfTokenOf(id)),
      createdAt: now,
      expiresAt: now + this.ttlMs,
    };
    await this.deps.store.create(session);
    res.cookie(this.cookieName, id, this.cookieOptions(this.ttlMs));
    return session;
  }

  async find(req: Request): Promise<AdminSession | null> {
    return (await this.findWithCsrf(req))?.session ?? null;
  }

  private async findWithCsrf(req: Request): Promise<{ session: AdminSession; csrfToken: string } | null> {
    const id = readCookie(req, this.cookieName);
    if (!id) return null;
    const session = await this.deps.store.find(hashSecret(id), this.deps.clock.now());
    if (!session) return null;
    const csrfToken = csrfTokenOf(id);
    // A session stored before CSRF tokens were hashed does not match: its admin signs in again.
    return session.csrfTokenHash === hashSecret(csrfToken) ? { session, csrfToken } : null;
  }

  /** For requireAdmin: the session's principal may act on its own portal only. */
  readonly principal = async (req: Request): Promise<AdminPrincipal | null> => {
    const found = await this.findWithCsrf(req);
    if (!found) return null;
    const { session, csrfToken } = found;
    return { actor: session.userEmail ?? `hubspot-user:${session.userId ?? 'unknown'}`, portals: [session.portalId], csrfToken };
  };

  async end(req: Request, res: Response): Promise<void> {
    const id = readCookie(req, this.cookieName);
    if (id) await this.deps.store.delete(hashSecret(id));
    res.clearCookie(this.cookieName, { httpOnly: true, sameSite: 'lax', secure: this.deps.secure, path: '/' });
  }
}
