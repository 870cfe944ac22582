import type { CrmCounts, CrmStore } from '../crm/crm-store';
import type { PortalId } from '../crm/model';
import type { PortalStore } from '../install/portal-store';
import type { AssignmentStore } from '../personas/assignment-store';
import { personaNames } from '../personas/contact-persona-service';
import { journeyStages } from '../personas/engine';
import type { RuleSetService } from '../personas/rule-set-service';
import type { SyncRun, SyncStore } from '../sync/sync-store';
import type { InboxStore } from '../webhook-receiver/inbox-store';

export interface DashboardServiceDeps {
  readonly rules: Pick<RuleSetService, 'liveOrDefault'>;
  readonly assignments: Pick<AssignmentStore, 'distribution'>;
  readonly sync: Pick<SyncStore, 'recentRuns'>;
  readonly inbox: Pick<InboxStore, 'backlog'>;
  readonly portals: Pick<PortalStore, 'get'>;
  readonly crm: Pick<CrmStore, 'counts'>;
}

export interface Dashboard {
  readonly portal: { readonly portalId: PortalId; readonly hubDomain: string | null; readonly state: string };
  readonly liveVersion: number | null;
  readonly total: number;
  readonly unassigned: number;
  readonly unassignedShare: number;
  /** The live rule set's personas in order, then the unassigned id, then ids no longer in the rule set ("retired"). */
  readonly distribution: readonly { readonly personaId: string; readonly name: string; readonly count: number; readonly kind: string }[];
  readonly counts: CrmCounts;
  readonly sync: { readonly current: SyncRun | null; readonly recent: readonly SyncRun[] };
  readonly backlog: Awaited<ReturnType<InboxStore['backlog']>>;
  readonly recentErrors: readonly { readonly at: number; readonly source: string; readonly message: string }[];
  readonly stages: typeof journeyStages;
}

/** The admin dashboard of one portal: effective persona distribution, sync runs, webhook backlog, recent errors. */
export class DashboardService {
  constructor(private readonly deps: DashboardServiceDeps) {}

  async dashboard(portalId: PortalId): Promise<Dashboard> {
    const [live, distribution, runs, backlog, portal, counts] = await Promise.all([
      this.deps.rules.liveOrDefault(portalId), this.deps.assignments.distribution(portalId), this.deps.sync.recentRuns(portalId, 10),
      this.deps.inbox.backlog(portalId), this.deps.portals.get(portalId), this.deps.crm.counts(portalId),
    ]);
    const { ruleSet } = live;
    const names = personaNames(ruleSet);
    const total = Object.values(distribution).reduce((a, b) => a + b, 0);
    const unassigned = distribution[ruleSet.unassigned.id] ?? 0;
    const order = [...ruleSet.personas.map((p) => p.id), ruleSet.unassigned.id];
    const extra = Object.keys(distribution).filter((id) => !order.includes(id));
    const recentErrors = [
      ...runs.filter((r) => r.error).map((r) => ({ at: r.finishedAt ?? r.startedAt, source: `${r.kind} sync`, message: r.error! })),
      ...(portal?.lastError ? [{ at: portal.updatedAt, source: 'HubSpot connection', message: portal.lastError }] : []),
    ].sort((a, b) => b.at - a.at).slice(0, 10);
    return {
      portal: portal ? { portalId, hubDomain: portal.hubDomain, state: portal.state } : { portalId, hubDomain: null, state: 'unknown' },
      liveVersion: live.version,
      total,
      unassigned,
      unassignedShare: total === 0 ? 0 : unassigned / total,
      distribution: [...order, ...extra].map((id) => ({
        personaId: id, name: names.get(id) ?? id, count: distribution[id] ?? 0,
        kind: ruleSet.personas.find((p) => p.id === id)?.kind ?? (id === ruleSet.unassigned.id ? 'unassigned' : 'retired'),
      })),
      counts,
      sync: { current: runs.find((r) => r.status === 'running') ?? null, recent: runs },
      backlog,
      recentErrors,
      stages: journeyStages,
    };
  }
}
