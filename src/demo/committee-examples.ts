import type { App } from '../app';
import { committeeCoverage } from '../committee/coverage';
import type { PortalId } from '../crm/model';

export interface CommitteeExample {
  readonly companyId: string;
  readonly name: string;
  readonly contacts: number;
  readonly gaps: readonly string[];
}

/** How many of the biggest companies the demo looks through for its two examples. */
const LOOK_AT = 200;

/**
 * Two companies to open the company card on: the biggest with a complete buying committee and the
 * biggest with gaps, from the stored contacts' effective personas (the committee module's values).
 */
export async function committeeExamples(
  app: Pick<App, 'stores' | 'services'>,
  portalId: PortalId,
): Promise<{ complete: CommitteeExample | null; withGaps: CommitteeExample | null }> {
  const { ruleSet } = await app.services.ruleSets.live(portalId);
  const { companies } = await app.stores.crm.listCompanies(portalId, { sort: 'size', limit: LOOK_AT, offset: 0 });
  const members = await app.stores.crm.contactPersonasOfCompanies(
    portalId,
    companies.map((c) => c.id),
  );
  let complete: CommitteeExample | null = null;
  let withGaps: CommitteeExample | null = null;
  for (const company of companies) {
    if (company.contacts === 0) continue;
    const { gaps } = committeeCoverage(
      ruleSet,
      (members.get(company.id) ?? []).map((m) => m.personaId),
    );
    const example = { companyId: company.id, name: company.name ?? `Company ${company.id}`, contacts: company.contacts, gaps };
    if (gaps.length === 0) complete ??= example;
    else withGaps ??= example;
    if (complete && withGaps) break;
  }
  return { complete, withGaps };
}
