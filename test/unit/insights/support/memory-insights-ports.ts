import type { PortalId } from '../../../../src/crm/model';
import type { RuleSet } from '../../../../src/personas/engine/rule-set-schema';
import { type AssignmentSnapshot, countPersonas, type SnapshotPersonaCounts, type SnapshotSummary } from '../../../../src/insights/drift';

import type { AnalysisContact } from '../../../../src/insights/feature-catalogue';
import type {
  AnalysisContactSource,
  AssignmentHistoryReader,
  InsightsReportKind,
  InsightsReportStore,
  LiveRuleSetReader,
  PilotResultStore,
  StoredPilotImport,
  StoredReportSummary,
} from '../../../../src/insights/insights-ports';

export class MemoryContactSource implements AnalysisContactSource {
  constructor(private readonly contactsByPortal: Map<PortalId, readonly AnalysisContact[]> = new Map()) {}

  set(portalId: PortalId, contacts: readonly AnalysisContact[]): void {
    this.contactsByPortal.set(portalId, contacts);
  }

  async *streamForAnalysis(portalId: PortalId): AsyncIterable<AnalysisContact> {
    for (const contact of this.contactsByPortal.get(portalId) ?? []) yield contact;
  }
}

export class MemoryAssignmentHistory implements AssignmentHistoryReader {
  private readonly snapshots = new Map<PortalId, AssignmentSnapshot[]>();

  add(portalId: PortalId, snapshot: AssignmentSnapshot): void {
    const list = this.snapshots.get(portalId) ?? [];
    list.push(snapshot);
    list.sort((a, b) => (a.takenAt < b.takenAt ? -1 : 1));
    this.snapshots.set(portalId, list);
  }

  async listSnapshots(portalId: PortalId, options: { since?: string } = {}): Promise<readonly SnapshotSummary[]> {
    return (this.snapshots.get(portalId) ?? [])
      .filter((s) => options.since === undefined || s.takenAt >= options.since)
      .map((s) => ({
        id: s.id,
        takenAt: s.takenAt,
        contacts: s.entries.length,
        unassigned: s.entries.filter((e) => e.personaId === null).length,
      }));
  }

  async readSnapshot(portalId: PortalId, snapshotId: string): Promise<AssignmentSnapshot | null> {
    this.wholeReads += 1;
    return (this.snapshots.get(portalId) ?? []).find((s) => s.id === snapshotId) ?? null;
  }

  /** How many times a whole snapshot (every entry) was read. */
  wholeReads = 0;

  async personaCounts(portalId: PortalId, snapshotIds: readonly string[]): Promise<readonly SnapshotPersonaCounts[]> {
    const all = this.snapshots.get(portalId) ?? [];
    return snapshotIds.flatMap((id) => {
      const s = all.find((x) => x.id === id);
      return s ? [{ id, takenAt: s.takenAt, contacts: s.entries.length, personas: countPersonas(s.entries) }] : [];
    });
  }
}

export class MemoryReportStore implements InsightsReportStore {
  readonly saved: (StoredReportSummary & { portalId: PortalId; body: unknown })[] = [];

  async save(
    portalId: PortalId,
    report: { kind: InsightsReportKind; title: string; createdAt: string; body: unknown },
  ): Promise<{ id: string }> {
    const id = `report-${this.saved.length + 1}`;
    // A round trip through JSON, as a database column would do, so a report that is not plain JSON fails here.
    this.saved.push({
      id,
      portalId,
      kind: report.kind,
      title: report.title,
      createdAt: report.createdAt,
      body: JSON.parse(JSON.stringify(report.body)),
    });
    return { id };
  }

  async list(portalId: PortalId, options: { kind?: InsightsReportKind; limit?: number } = {}): Promise<readonly StoredReportSummary[]> {
    return this.saved
      .filter((r) => r.portalId === portalId && (options.kind === undefined || r.kind === options.kind))
      .reverse()
      .slice(0, options.limit ?? 50)
      .map(({ id, kind, title, createdAt }) => ({ id, kind, title, createdAt }));
  }

  async get(portalId: PortalId, reportId: string) {
    const found = this.saved.find((r) => r.portalId === portalId && r.id === reportId);
    if (!found) return null;
    const { portalId: _portal, ...rest } = found;
    return rest;
  }
}

export class MemoryPilotStore implements PilotResultStore {
  private readonly imports = new Map<PortalId, StoredPilotImport>();
  replaceCalls = 0;

  async replaceImport(portalId: PortalId, pilot: Omit<StoredPilotImport, 'id'>): Promise<{ id: string }> {
    this.replaceCalls++;
    const id = `pilot-${this.replaceCalls}`;
    this.imports.set(portalId, { id, ...pilot, rows: [...pilot.rows] });
    return { id };
  }

  async latest(portalId: PortalId): Promise<StoredPilotImport | null> {
    return this.imports.get(portalId) ?? null;
  }
}

export class MemoryRuleSets implements LiveRuleSetReader {
  constructor(private readonly byPortal: Map<PortalId, RuleSet> = new Map()) {}

  set(portalId: PortalId, ruleSet: RuleSet): void {
    this.byPortal.set(portalId, ruleSet);
  }

  async live(portalId: PortalId): Promise<RuleSet | null> {
    return this.byPortal.get(portalId) ?? null;
  }
}

export function fakeInsightsDeps(now: number) {
  return {
    contacts: new MemoryContactSource(),
    assignments: new MemoryAssignmentHistory(),
    reports: new MemoryReportStore(),
    pilots: new MemoryPilotStore(),
    ruleSets: new MemoryRuleSets(),
    clock: { now: () => now },
  };
}
