import type { PortalId } from '../crm/model';

export interface InboxEntry {
  readonly portalId: PortalId;
  /** Content-derived key: HubSpot does not promise that eventId is unique. */
  readonly dedupeKey: string;
  readonly event: unknown;
  readonly occurredAt: number;
}

export interface InboxItem extends InboxEntry {
  readonly id: number;
  readonly attempts: number;
}

export interface InboxBacklog {
  readonly pending: number;
  readonly processing: number;
  readonly failed: number;
  readonly oldestPendingAt: number | null;
}

export interface InboxStore {
  /** Persists a batch in one transaction; an entry whose key is already stored is skipped. */
  enqueue(entries: readonly InboxEntry[], now: number): Promise<{ inserted: number; duplicates: number }>;
  /**
   * Claims up to `limit` pending entries whose retry time has come, oldest first, so that two
   * workers never claim the same one; only the portal's when `portalId` is given.
   */
  claim(limit: number, now: number, portalId?: PortalId): Promise<InboxItem[]>;
  complete(ids: readonly number[], now: number): Promise<void>;
  /**
   * Returns an entry to pending (retryable) or parks it as failed after too many attempts. A retried
   * entry is not claimed again before `retryAt` (epoch ms), so a failing dependency gets a backoff.
   */
  fail(id: number, error: string, retry: boolean, retryAt?: number): Promise<void>;
  /** Claimed entries whose worker died go back to pending. */
  releaseStale(claimedBefore: number): Promise<number>;
  /** Every claimed entry of the portal goes back to pending (its claimant is known to be gone). */
  releasePortal(portalId: PortalId): Promise<number>;
  /** Portals with pending entries due by `now`, and the earliest time a portal's pending entries fall due. */
  portalsDue(now: number): Promise<PortalId[]>;
  nextDue(portalId: PortalId): Promise<number | null>;
  backlog(portalId?: PortalId): Promise<InboxBacklog>;
  purgeDone(before: number): Promise<number>;
}
