import { accountAccess } from '../crm/account-access';
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
  /** Which account data the portal's grant lets the app read, and what that means for the rules, in plain words. */
  readonly accountData: { readonly companies: boolean; readonly surveys: boolean; readonly notes: readonly string[] };
}

export const NO_SURVEYS_NOTE =
  'Survey responses are not read: this HubSpot account did not grant access to feedback submissions ' +
  '(its edition may not include customer feedback surveys). Rules with a "surveys" condition count no responses, ' +
  'so "count: eq 0" is true for everyone. Nothing else is affected.';
export const NO_COMPANIES_NOTE =
  'Companies are not read: the app was installed before it asked for access to companies. ' +
  'Install it again from HubSpot to use "company" conditions; until then they are false for every contact.';

/** The admin dashboard of one portal: effective persona distribution, sync runs, webhook backlog, recent errors. */
export class DashboardService {
  constructor(private readonly deps: DashboardServiceDeps) {}

  async dashboard(portalId: PortalId): Promise<Dashboard> {
    const [live, distribution, runs, backlog, portal, counts] = await Promise.all([
      this.deps.rules.liveOrDefault(portalId),
      this.deps.assignments.distribution(portalId),
      this.deps.sync.recentRuns(portalId, 10),
      this.deps.inbox.backlog(portalId),
      this.deps.portals.get(portalId),
      this.deps.crm.counts(portalId),
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
    ]
      .sort((a, b) => b.at - a.at)
      .slice(0, 10);
    return {
      portal: portal ? { portalId, hubDomain: portal.hubDomain, state: portal.state } : { portalId, hubDomain: null, state: 'unknown' },
      liveVersion: live.version,
      total,
      unassigned,
      unassignedShare: total === 0 ? 0 : unassigned / total,
      distribution: [...order, ...extra].map((id) => ({
        personaId: id,
        name: names.get(id) ?? id,
        count: distribution[id] ?? 0,
        kind: ruleSet.personas.find((p) => p.id === id)?.kind ?? (id === ruleSet.unassigned.id ? 'unassigned' : 'retired'),
      })),
      counts,
      sync: { current: runs.find((r) => r.status === 'running') ?? null, recent: runs },
      backlog,
      recentErrors,
      stages: journeyStages,
      accountData: accountDataOf(portal?.scopes ?? null),
    };
  }
}

function accountDataOf(scopes: readonly string[] | null): Dashboard['accountData'] {
  if (scopes === null) return { companies: false, surveys: false, notes: [] };
  const access = accountAccess(scopes);
  return {
    ...access,
    notes: [...(access.companies ? [] : [NO_COMPANIES_NOTE]), ...(access.surveys ? [] : [NO_SURVEYS_NOTE])],
  };
}
