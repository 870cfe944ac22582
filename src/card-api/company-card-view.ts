/**
 * The JSON contract between the card API and the company card (cards/CompanyCard.tsx): the
 * buying committee of one company. The server builds it, the card and the preview only render it.
 * Copied next to the card when the HubSpot project is assembled, so plain types, no imports.
 */

export type CompanyCardPersonaKind = 'buyer' | 'customer' | 'negative';

/** A contact as a rep recognises it. */
export interface CompanyCardContact {
  contactId: string;
  name: string;
  jobTitle: string | null;
}

/** A persona held (as effective persona) by at least one of the company's contacts. */
export interface CompanyCardPersonaGroup {
  personaId: string;
  personaName: string;
  /** Null when a manual value names a persona the live rule set does not have. */
  kind: CompanyCardPersonaKind | null;
  committee: boolean;
  /** How many of the company's contacts hold it. */
  total: number;
  /** The first few of them (by name); `total - contacts.length` more are not listed. */
  contacts: CompanyCardContact[];
}

export interface CompanyCardRule {
  label: string;
  points: number;
}

/** A contact of the company scored against a missing committee persona. */
export interface CompanyCardCandidate extends CompanyCardContact {
  score: number;
  threshold: number;
  /** Points still needed; 0 when the contact qualifies but holds another persona. */
  pointsMissing: number;
  /** Unmet positive rules, largest first, just enough to cover the gap (all of them when they are not enough). */
  missingRules: CompanyCardRule[];
  /** False when even all unmet positive rules together would not reach the threshold. */
  reachable: boolean;
  /** The persona the contact holds instead, when it has one. */
  holdsPersonaName: string | null;
}

/** A committee persona none of the company's contacts holds, with the contacts closest to it. */
export interface CompanyCardGap {
  personaId: string;
  personaName: string;
  candidates: CompanyCardCandidate[];
}

export interface CompanyCardCompany {
  name: string;
  domain: string | null;
  industry: string | null;
}

export interface CompanyCardView {
  contractVersion: 1;
  portalId: number;
  companyId: string;
  company: CompanyCardCompany;
  /** `no-contacts`: the company has no associated contacts, so there is no committee to show. */
  state: 'ready' | 'no-contacts';
  contactCount: number;
  /** Non-negative personas present, in rule-set order (personas unknown to the rule set last). */
  present: CompanyCardPersonaGroup[];
  /** Committee personas absent, in rule-set order. */
  gaps: CompanyCardGap[];
  /** How many of the committee personas are present, of how many the rule set has. */
  coverage: { covered: number; committee: number };
  /** Contacts whose effective persona is none, or a negative persona: they count for no coverage. */
  withoutPersona: number;
  negative: number;
  /** ISO 8601: when the view was built. */
  generatedAt: string;
}
