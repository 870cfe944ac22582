import { committeeCoverage, parseCoverageValue } from '../committee/coverage';
import type { CompanySummary, CrmStore } from '../crm/crm-store';
import type { PortalId } from '../crm/model';
import type { AssignmentStore } from '../personas/assignment-store';
import type { RuleSet } from '../personas/engine';

export interface AccountsServiceDeps {
  readonly crm: Pick<CrmStore, 'listCompanies' | 'contactPersonasOfCompanies' | 'companyIdsForCoverage'>;
  readonly assignments: Pick<AssignmentStore, 'getMany'>;
  /** The rule set in force (or the default): persona names and which personas form the committee. */
  readonly ruleSet: (portalId: PortalId) => Promise<RuleSet>;
}

export interface AccountsQuery {
  readonly sort: 'size' | 'name';
  /** Only companies missing this committee persona. */
  readonly gap?: string;
  readonly page: number;
  readonly pageSize: number;
}

export interface AccountPersona {
  readonly id: string;
  readonly name: string;
}

export interface AccountRow {
  readonly id: string;
  readonly name: string;
  readonly domain: string | null;
  readonly contacts: number;
  readonly coverage: AccountPersona[];
  readonly gaps: AccountPersona[];
  /** False when the values were computed for this page because none were written to HubSpot yet. */
  readonly written: boolean;
}

export interface AccountsPage {
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  /** The committee personas of the rule set in force, for the gap filter. */
  readonly committee: AccountPersona[];
  readonly companies: AccountRow[];
}

/** How a draft rule set would move companies' committee values. */
export interface CompanyCoverageImpact {
  /** Companies with associated contacts that were compared. */
  readonly companies: number;
  /** Companies where a committee gap would close. */
  readonly gain: number;
  /** Companies where a committee gap would open. */
  readonly lose: number;
  /** Companies whose coverage or gaps properties would be rewritten. */
  readonly changed: number;
}

const IMPACT_BATCH = 500;

/**
 * The admin's view of accounts: companies with their buying-committee coverage, as last written to
 * HubSpot (what lists and workflows see), filterable by gap and sortable by size; and what a draft
 * rule set would do to them. The values themselves come from the committee module.
 */
export class AccountsService {
  constructor(private readonly deps: AccountsServiceDeps) {}

  async page(portalId: PortalId, query: AccountsQuery): Promise<AccountsPage> {
    const ruleSet = await this.deps.ruleSet(portalId);
    const names = new Map(ruleSet.personas.map((p) => [p.id, p.name]));
    const named = (ids: readonly string[]) => ids.map((id) => ({ id, name: names.get(id) ?? id }));
    const { companies, total } = await this.deps.crm.listCompanies(portalId, {
      sort: query.sort,
      gap: query.gap,
      limit: query.pageSize,
      offset: (query.page - 1) * query.pageSize,
    });
    // A company not written yet (its first full write is still to come) shows what it will be written.
    const unwritten = companies.filter((c) => c.written === null).map((c) => c.id);
    const members = unwritten.length > 0 ? await this.deps.crm.contactPersonasOfCompanies(portalId, unwritten) : new Map();
    const row = (c: CompanySummary): AccountRow => {
      const values =
        c.written !== null
          ? { coverage: parseCoverageValue(c.written.coverage), gaps: parseCoverageValue(c.written.gaps) }
          : committeeCoverage(
              ruleSet,
              (members.get(c.id) ?? []).map((m: { personaId: string | null }) => m.personaId),
            );
      return {
        id: c.id,
        name: c.name ?? `Company ${c.id}`,
        domain: c.domain,
        contacts: c.contacts,
        coverage: named(values.coverage),
        gaps: c.contacts === 0 && c.written === null ? [] : named(values.gaps),
        written: c.written !== null,
      };
    };
    return {
      total,
      page: query.page,
      pageSize: query.pageSize,
      committee: named(ruleSet.personas.filter((p) => p.committee === true && p.kind !== 'negative').map((p) => p.id)),
      companies: companies.map(row),
    };
  }

  /**
   * Compares every company's committee values under the live rule set with those under a draft,
   * given the contacts whose computed persona the draft would change. A contact with a manual value
   * keeps it under either rule set. Reads the companies a batch at a time.
   */
  async impact(
    portalId: PortalId,
    rules: { live: RuleSet; draft: RuleSet },
    moved: ReadonlyMap<string, string>,
  ): Promise<CompanyCoverageImpact> {
    const nextOf = new Map<string, string>();
    const ids = [...moved.keys()];
    for (let i = 0; i < ids.length; i += IMPACT_BATCH) {
      const stored = await this.deps.assignments.getMany(portalId, ids.slice(i, i + IMPACT_BATCH));
      for (const id of ids.slice(i, i + IMPACT_BATCH)) if (!stored.get(id)?.override) nextOf.set(id, moved.get(id)!);
    }
    let companies = 0;
    let gain = 0;
    let lose = 0;
    let changed = 0;
    let after: string | null = null;
    for (;;) {
      const batch = await this.deps.crm.companyIdsForCoverage(portalId, after, IMPACT_BATCH);
      if (batch.length === 0) break;
      after = batch[batch.length - 1]!;
      const byCompany = await this.deps.crm.contactPersonasOfCompanies(portalId, batch);
      for (const members of byCompany.values()) {
        if (members.length === 0) continue;
        companies++;
        const before = committeeCoverage(
          rules.live,
          members.map((m) => m.personaId),
        );
        const next = committeeCoverage(
          rules.draft,
          members.map((m) => nextOf.get(m.contactId) ?? m.personaId),
        );
        if (before.gaps.some((id) => !next.gaps.includes(id))) gain++;
        if (next.gaps.some((id) => !before.gaps.includes(id))) lose++;
        if (before.coverage.join(';') !== next.coverage.join(';') || before.gaps.join(';') !== next.gaps.join(';')) changed++;
      }
    }
    return { companies, gain, lose, changed };
  }
}
