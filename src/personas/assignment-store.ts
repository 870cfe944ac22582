import type { PortalId } from '../crm/model';
import type { ManualOverride, WrittenValues } from './writeback';
import type { ReviewFlag } from './review-queue';

export interface ComputedAssignment {
  readonly contactId: string;
  readonly personaId: string;
  readonly score: number;
  readonly secondary: readonly string[];
  readonly journeyStage: string;
  readonly explanation: unknown;
  readonly ruleSetVersion: number;
  /** Whether the values HubSpot should hold differ from what was last written. */
  readonly needsWrite: boolean;
  /** Set when the assignment is a close call; it then stays in the review queue until someone decides. */
  readonly review?: ReviewFlag | null;
}

/** A close call waiting for a reviewer. */
export interface ReviewQueueItem {
  readonly contactId: string;
  readonly personaId: string;
  readonly score: number;
  readonly flag: ReviewFlag;
  readonly explanation: unknown;
  readonly override: ManualOverride | null;
  readonly computedAt: number;
}

export interface ReviewQueueCursor {
  readonly margin: number;
  readonly contactId: string;
}

export interface StoredAssignment extends ComputedAssignment {
  readonly computedAt: number;
  readonly written: WrittenValues | null;
  readonly writtenAt: number | null;
  /** The persona value HubSpot last reported for the contact, when known. */
  readonly hubspotPersona: string | null;
  readonly override: ManualOverride | null;
}

export interface AssignmentHistoryEntry {
  readonly contactId: string;
  readonly fromPersona: string | null;
  readonly toPersona: string;
  readonly score: number;
  readonly ruleSetVersion: number;
  readonly reason: string;
  readonly at: number;
}

export interface AssignmentStore {
  /**
   * Saves freshly computed assignments, keeping what was written and any override, and appends a
   * history entry for each contact whose computed persona changed. One transaction.
   */
  saveComputed(portalId: PortalId, assignments: readonly ComputedAssignment[], reason: string, now: number): Promise<{ changed: number }>;
  get(portalId: PortalId, contactId: string): Promise<StoredAssignment | null>;
  getMany(portalId: PortalId, contactIds: readonly string[]): Promise<Map<string, StoredAssignment>>;
  /** Contacts whose HubSpot values must be written, in id order. */
  pendingWrites(portalId: PortalId, afterContactId: string | null, limit: number): Promise<StoredAssignment[]>;
  countPendingWrites(portalId: PortalId): Promise<number>;
  /** Contacts waiting for a write, per portal with any (metrics). */
  pendingWritesByPortal(): Promise<Map<PortalId, number>>;
  markWritten(portalId: PortalId, written: readonly { contactId: string; values: WrittenValues }[], now: number): Promise<void>;
  setOverride(portalId: PortalId, contactId: string, override: ManualOverride | null): Promise<void>;
  setHubspotPersona(portalId: PortalId, contactId: string, value: string | null): Promise<void>;
  /** Count per effective persona: the manual override when there is one, else the computed persona. */
  distribution(portalId: PortalId): Promise<Record<string, number>>;
  history(portalId: PortalId, options: { contactId?: string; since?: number; limit: number }): Promise<AssignmentHistoryEntry[]>;
  /** Open close calls, closest first, one page after `after` (keyset on margin, then contact id). */
  reviewQueue(portalId: PortalId, options: { after?: ReviewQueueCursor | null; limit: number }): Promise<ReviewQueueItem[]>;
  reviewQueueSize(portalId: PortalId): Promise<number>;
  /** Takes a contact out of the queue until its assignment becomes a new close call; false when it was not queued. */
  closeReview(portalId: PortalId, contactId: string): Promise<boolean>;
}
