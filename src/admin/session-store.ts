import type { PortalId } from '../crm/model';

/** A signed-in admin's browser session. The cookie carries the raw id; only its hash is stored. */
export interface AdminSession {
  readonly idHash: string;
  readonly portalId: PortalId;
  readonly userEmail: string | null;
  readonly userId: string | null;
  /**
   * The hash of the session's CSRF token, which the page echoes in `X-CSRF-Token` on every
   * state-changing request. Like the id, the token itself is never stored: it is derived from the
   * raw session id, which only the browser's cookie holds.
   */
  readonly csrfTokenHash: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface SessionStore {
  create(session: AdminSession): Promise<void>;
  /** The session when it exists and has not expired at `now`; null otherwise. */
  find(idHash: string, now: number): Promise<AdminSession | null>;
  delete(idHash: string): Promise<void>;
  /** Removes every session expired at `now`; returns how many. */
  purgeExpired(now: number): Promise<number>;
}
