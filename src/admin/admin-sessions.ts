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
      idHash: hashSecret(id), portalId: who.portalId, userEmail: who.userEmail, userId: who.userId,
      csrfToken: newSecret(), createdAt: now, expiresAt: now + this.ttlMs,
    };
    await this.deps.store.create(session);
    res.cookie(this.cookieName, id, this.cookieOptions(this.ttlMs));
    return session;
  }

  async find(req: Request): Promise<AdminSession | null> {
    const id = readCookie(req, this.cookieName);
    if (!id) return null;
    return this.deps.store.find(hashSecret(id), this.deps.clock.now());
  }

  /** For requireAdmin: the session's principal may act on its own portal only. */
  readonly principal = async (req: Request): Promise<AdminPrincipal | null> => {
    const session = await this.find(req);
    if (!session) return null;
    return { actor: session.userEmail ?? `hubspot-user:${session.userId ?? 'unknown'}`, portals: [session.portalId], csrfToken: session.csrfToken };
  };

  async end(req: Request, res: Response): Promise<void> {
    const id = readCookie(req, this.cookieName);
    if (id) await this.deps.store.delete(hashSecret(id));
    res.clearCookie(this.cookieName, { httpOnly: true, sameSite: 'lax', secure: this.deps.secure, path: '/' });
  }
}
