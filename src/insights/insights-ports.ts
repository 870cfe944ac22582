import type { PortalId } from '../crm/model';
import type { RuleSet } from '../personas/engine';
import type { AssignmentSnapshot, SnapshotPersonaCounts, SnapshotSummary } from './drift';

import type { AnalysisContact } from './feature-catalogue';
import type { PilotRow } from './pilot-import';

/** Every contact of a portal with its tickets and its effective persona (manual override, else computed). */
export interface AnalysisContactSource {
  streamForAnalysis(portalId: PortalId): AsyncIterable<AnalysisContact>;
  /** How many contacts streamForAnalysis will give (for progress); absent when unknown. */
  countForAnalysis?(portalId: PortalId): Promise<number>;
}

/** Stored nightly assignment snapshots (one per rescore). */
export interface AssignmentHistoryReader {
  /** Summaries ordered oldest first, taken at or after `since` (ISO 8601) when given. */
  listSnapshots(portalId: PortalId, options?: { readonly since?: string }): Promise<readonly SnapshotSummary[]>;
  readSnapshot(portalId: PortalId, snapshotId: string): Promise<AssignmentSnapshot | null>;
  /** Only each snapshot's contacts per persona (no entries), for these ids in this order; unknown ids are left out. */
  personaCounts(portalId: PortalId, snapshotIds: readonly string[]): Promise<readonly SnapshotPersonaCounts[]>;
}

export type InsightsReportKind = 'discovery' | 'validation' | 'review-nightly' | 'review-quarterly';

export interface StoredReportSummary {
  readonly id: string;
  readonly kind: InsightsReportKind;
  readonly createdAt: string;
  readonly title: string;
}

export interface InsightsReportStore {
  save(
    portalId: PortalId,
    report: { readonly kind: InsightsReportKind; readonly title: string; readonly createdAt: string; readonly body: unknown },
  ): Promise<{ readonly id: string }>;
  /** Newest first. */
  list(
    portalId: PortalId,
    options?: { readonly kind?: InsightsReportKind; readonly limit?: number },
  ): Promise<readonly StoredReportSummary[]>;
  get(portalId: PortalId, reportId: string): Promise<(StoredReportSummary & { readonly body: unknown }) | null>;
}

export interface StoredPilotImport {
  readonly id: string;
  readonly fileName: string;
  readonly importedAt: string;
  readonly rows: readonly PilotRow[];
}

export interface PilotResultStore {
  /**
   * Replaces the portal's pilot results with these rows in one transaction: readers see the old
   * import or the new one, never a mix.
   */
  replaceImport(portalId: PortalId, pilot: Omit<StoredPilotImport, 'id'>): Promise<{ readonly id: string }>;
  latest(portalId: PortalId): Promise<StoredPilotImport | null>;
}

export interface LiveRuleSetReader {
  live(portalId: PortalId): Promise<RuleSet | null>;
}

export interface InsightsClock {
  /** Epoch milliseconds. */
  now(): number;
}

/** Sandbox portals only: the planted group of a generated contact (null for noise or unknown). */
export interface PlantedGroupReader {
  groupOf(portalId: PortalId, contactId: string): string | null;
}
