import type { GeneratedPortal } from './generator';

/**
 * Contact↔company and contact↔survey-response associations of one sandbox portal: the generated
 * base (each contact's primary company, each response's contact) plus overlays for what changed.
 *
 * HubSpot keeps at most one company per contact under the *Primary* label; other companies are
 * associated without a label. Making another company primary keeps the old one associated,
 * unlabelled (HubSpot moves the label, it does not drop the association).
 */
export interface CompanyLink {
  companyId: string;
  primary: boolean;
}

export class AccountLinks {
  /** contactId → companyIds added (without the Primary label unless `primaryOverride` says so). */
  private readonly addedCompanies = new Map<string, Set<string>>();
  private readonly addedContactsOfCompany = new Map<string, Set<string>>();
  private readonly removedCompanyPairs = new Set<string>();
  /** contactId → its primary company now (null: none), when it differs from the generated one. */
  private readonly primaryOverride = new Map<string, string | null>();
  /** surveyId → contactId for responses created after generation or moved by a merge. */
  private readonly surveyContact = new Map<string, string>();
  private readonly addedSurveysOfContact = new Map<string, Set<string>>();
  private readonly movedAwaySurveys = new Set<string>();

  constructor(
    private readonly base: GeneratedPortal,
    private readonly isCreatedContact: (id: string) => boolean,
  ) {}

  private baseCompanyOf(contactId: string): string | null {
    const index = this.isCreatedContact(contactId) ? undefined : this.base.indexOfContactId(contactId);
    if (index === undefined) return null;
    const company = this.base.accounts.companyIndexOfContact(index);
    return company < 0 ? null : this.base.accounts.companyIdAt(company);
  }

  primaryCompanyOf(contactId: string): string | null {
    return this.primaryOverride.has(contactId) ? this.primaryOverride.get(contactId)! : this.baseCompanyOf(contactId);
  }

  companiesOfContact(contactId: string): CompanyLink[] {
    const ids = new Set<string>();
    const base = this.baseCompanyOf(contactId);
    if (base !== null && !this.removedCompanyPairs.has(`${contactId}:${base}`)) ids.add(base);
    for (const id of this.addedCompanies.get(contactId) ?? []) ids.add(id);
    const primary = this.primaryCompanyOf(contactId);
    return [...ids].sort((a, b) => Number(a) - Number(b)).map((companyId) => ({ companyId, primary: companyId === primary }));
  }

  contactsOfCompany(companyId: string): string[] {
    const ids = new Set<string>();
    const index = this.base.accounts.indexOfCompanyId(companyId);
    if (index !== undefined) {
      for (const contactIndex of this.base.accounts.contactIndexesOfCompany(index)) {
        const contactId = this.base.contactIdAt(contactIndex);
        if (!this.removedCompanyPairs.has(`${contactId}:${companyId}`)) ids.add(contactId);
      }
    }
    for (const id of this.addedContactsOfCompany.get(companyId) ?? []) ids.add(id);
    return [...ids].sort((a, b) => Number(a) - Number(b));
  }

  isAssociatedWithCompany(contactId: string, companyId: string): boolean {
    return this.companiesOfContact(contactId).some((link) => link.companyId === companyId);
  }

  addCompany(contactId: string, companyId: string, primary: boolean): void {
    this.removedCompanyPairs.delete(`${contactId}:${companyId}`);
    if (this.baseCompanyOf(contactId) !== companyId) {
      setOf(this.addedCompanies, contactId).add(companyId);
      setOf(this.addedContactsOfCompany, companyId).add(contactId);
    }
    if (primary) this.primaryOverride.set(contactId, companyId);
  }

  removeCompany(contactId: string, companyId: string): void {
    this.addedCompanies.get(contactId)?.delete(companyId);
    this.addedContactsOfCompany.get(companyId)?.delete(contactId);
    if (this.baseCompanyOf(contactId) === companyId) this.removedCompanyPairs.add(`${contactId}:${companyId}`);
    if (this.primaryCompanyOf(contactId) === companyId) this.primaryOverride.set(contactId, null);
  }

  surveyIdsOfContact(contactId: string): string[] {
    const ids: string[] = [];
    const index = this.isCreatedContact(contactId) ? undefined : this.base.indexOfContactId(contactId);
    if (index !== undefined) {
      for (const survey of this.base.accounts.surveysOfContact(index)) if (!this.movedAwaySurveys.has(survey.id)) ids.push(survey.id);
    }
    for (const id of this.addedSurveysOfContact.get(contactId) ?? []) if (!ids.includes(id)) ids.push(id);
    return ids.sort((a, b) => Number(a) - Number(b));
  }

  contactOfSurvey(surveyId: string): string | undefined {
    const moved = this.surveyContact.get(surveyId);
    if (moved !== undefined) return moved;
    const base = this.base.accounts.surveyById(surveyId);
    return base && !this.movedAwaySurveys.has(surveyId) ? this.base.contactIdAt(base.contactIndex) : undefined;
  }

  linkSurvey(surveyId: string, contactId: string): void {
    const previous = this.contactOfSurvey(surveyId);
    if (previous !== undefined) this.addedSurveysOfContact.get(previous)?.delete(surveyId);
    if (this.base.accounts.surveyById(surveyId)) this.movedAwaySurveys.add(surveyId);
    this.surveyContact.set(surveyId, contactId);
    setOf(this.addedSurveysOfContact, contactId).add(surveyId);
  }

  size(): number {
    return this.addedCompanies.size + this.removedCompanyPairs.size + this.primaryOverride.size + this.surveyContact.size;
  }
}

function setOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}
