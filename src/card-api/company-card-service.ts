import { committeeCoverage } from '../committee/coverage';
import { evaluationSubject, type CrmStore } from '../crm/crm-store';
import type { PortalId } from '../crm/model';
import type { RuleSetService } from '../personas/rule-set-service';
import type { Clock } from '../platform/clock';
import { buildCompanyCardView, type CompanyCardContactInput } from './build-company-card-view';
import type { CompanyCardView } from './company-card-view';

export interface CompanyCardServiceDeps {
  readonly crm: Pick<CrmStore, 'getCompany' | 'contactPersonasOfCompanies' | 'getContactsWithTickets'>;
  readonly ruleSets: Pick<RuleSetService, 'live'>;
  readonly clock: Clock;
}

/** What the company card routes need. */
export interface CompanyCardQueries {
  /** The buying committee of a stored company; null when the app does not know the company. */
  getCompanyCardView(portalId: PortalId, companyId: string): Promise<CompanyCardView | null>;
}

/**
 * Company card views from the local store, without calling HubSpot. Coverage and gaps come from
 * the stored effective personas (the values written to the company), through the committee module;
 * each contact is also scored against every persona with the live rules, for the gaps' candidates.
 */
export class CompanyCardService implements CompanyCardQueries {
  constructor(private readonly deps: CompanyCardServiceDeps) {}

  async getCompanyCardView(portalId: PortalId, companyId: string): Promise<CompanyCardView | null> {
    const company = await this.deps.crm.getCompany(portalId, companyId);
    if (!company) return null;
    const [live, byCompany] = await Promise.all([
      this.deps.ruleSets.live(portalId),
      this.deps.crm.contactPersonasOfCompanies(portalId, [companyId]),
    ]);
    const members = byCompany.get(companyId) ?? [];
    const records = await this.deps.crm.getContactsWithTickets(
      portalId,
      members.map((m) => m.contactId),
    );
    const now = this.deps.clock.now();
    const contacts: CompanyCardContactInput[] = [];
    for (const member of members) {
      const record = records.get(member.contactId);
      if (!record || record.contact.archived) continue;
      contacts.push({
        id: member.contactId,
        properties: record.contact.properties,
        effectivePersonaId: member.personaId,
        evaluations: live.compiled.explainAll(evaluationSubject(record), now).personas,
      });
    }
    const { coverage, gaps } = committeeCoverage(
      live.ruleSet,
      contacts.map((c) => c.effectivePersonaId),
    );
    return buildCompanyCardView({ portalId, companyId, company, ruleSet: live.ruleSet, contacts, coverage, gaps, now });
  }
}
