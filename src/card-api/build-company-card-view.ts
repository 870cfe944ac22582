import type { PropertyBag } from '../crm/model';
import type { PersonaEvaluation, RuleSet } from '../personas/engine';
import type {
  CompanyCardCandidate,
  CompanyCardContact,
  CompanyCardGap,
  CompanyCardPersonaGroup,
  CompanyCardRule,
  CompanyCardView,
} from './company-card-view';

/** One associated contact of the company, with what the live rules say about it. */
export interface CompanyCardContactInput {
  readonly id: string;
  readonly properties: PropertyBag;
  /** The effective persona (a manual value first); null when the contact has none. */
  readonly effectivePersonaId: string | null;
  /** The engine's explainAll personas for this contact: every persona's score and unmet rules. */
  readonly evaluations: readonly PersonaEvaluation[];
}

export interface BuildCompanyCardViewInput {
  readonly portalId: number;
  readonly companyId: string;
  readonly company: { readonly properties: PropertyBag };
  readonly ruleSet: Pick<RuleSet, 'personas'>;
  readonly contacts: readonly CompanyCardContactInput[];
  /** The committee module's coverage and gaps for these contacts, persona ids in rule-set order. */
  readonly coverage: readonly string[];
  readonly gaps: readonly string[];
  readonly now: number;
}

export const CONTACTS_SHOWN_PER_PERSONA = 3;
export const CANDIDATES_SHOWN_PER_GAP = 3;

/**
 * The company card's view: pure, so every state is testable from data. Coverage and gaps come
 * from the committee module (the same values written to HubSpot); this only arranges them for a
 * rep and adds, for each gap, the contacts closest to filling it.
 */
export function buildCompanyCardView(input: BuildCompanyCardViewInput): CompanyCardView {
  const personasById = new Map(input.ruleSet.personas.map((p) => [p.id, p]));
  const nameOf = (id: string) => personasById.get(id)?.name ?? id;
  const contacts = [...input.contacts].map((c) => ({ ...c, card: contactOf(c.id, c.properties) })).sort(byName);

  const holders = new Map<string, CompanyCardContact[]>();
  let withoutPersona = 0;
  let negative = 0;
  for (const contact of contacts) {
    const id = contact.effectivePersonaId;
    if (id === null) withoutPersona++;
    else if (personasById.get(id)?.kind === 'negative') negative++;
    else holders.set(id, [...(holders.get(id) ?? []), contact.card]);
  }
  // Coverage counts only what the committee module counted; a contact whose value is outside it has no usable persona.
  for (const [id, list] of holders) if (!input.coverage.includes(id)) withoutPersona += list.length;

  const present: CompanyCardPersonaGroup[] = input.coverage.map((id) => {
    const list = holders.get(id) ?? [];
    const definition = personasById.get(id);
    return {
      personaId: id,
      personaName: nameOf(id),
      kind: definition?.kind ?? null,
      committee: definition?.committee === true,
      total: list.length,
      contacts: list.slice(0, CONTACTS_SHOWN_PER_PERSONA),
    };
  });

  const gaps: CompanyCardGap[] = input.gaps.map((personaId) => ({
    personaId,
    personaName: nameOf(personaId),
    candidates: nearestCandidates(personaId, contacts, (id) => personasById.get(id)?.name),
  }));

  const committee = input.ruleSet.personas.filter((p) => p.committee === true && p.kind !== 'negative');
  const covered = committee.filter((p) => input.coverage.includes(p.id)).length;
  return {
    contractVersion: 1,
    portalId: input.portalId,
    companyId: input.companyId,
    company: companyOf(input.companyId, input.company.properties),
    state: contacts.length === 0 ? 'no-contacts' : 'ready',
    contactCount: contacts.length,
    present,
    gaps,
    coverage: { covered, committee: committee.length },
    withoutPersona,
    negative,
    generatedAt: new Date(input.now).toISOString(),
  };
}

/**
 * The contacts closest to a persona's threshold: fewest points missing first, then the higher
 * score. A contact with no points for it at all is no candidate (nothing suggests it is close).
 */
function nearestCandidates(
  personaId: string,
  contacts: readonly (CompanyCardContactInput & { card: CompanyCardContact })[],
  personaName: (id: string) => string | undefined,
): CompanyCardCandidate[] {
  const candidates: CompanyCardCandidate[] = [];
  for (const contact of contacts) {
    const evaluation = contact.evaluations.find((e) => e.personaId === personaId);
    if (!evaluation || evaluation.score <= 0) continue;
    const { rules, reachable } = rulesToQualify(evaluation);
    candidates.push({
      ...contact.card,
      score: evaluation.score,
      threshold: evaluation.threshold,
      pointsMissing: evaluation.pointsMissing,
      missingRules: rules,
      reachable,
      // The unassigned id, or a hand-set value of a removed persona, is no persona to name.
      holdsPersonaName: contact.effectivePersonaId === null ? null : (personaName(contact.effectivePersonaId) ?? null),
    });
  }
  candidates.sort((a, b) => a.pointsMissing - b.pointsMissing || b.score - a.score || a.name.localeCompare(b.name) || compareIds(a, b));
  return candidates.slice(0, CANDIDATES_SHOWN_PER_GAP);
}

/** The engine's unmet positive rules, largest first (rule order on ties), only as many as it takes to close the gap. */
function rulesToQualify(evaluation: PersonaEvaluation): { rules: CompanyCardRule[]; reachable: boolean } {
  const unmet = evaluation.notFired
    .map((rule, order) => ({ rule, order }))
    .filter(({ rule }) => rule.points > 0)
    .sort((a, b) => b.rule.points - a.rule.points || a.order - b.order)
    .map(({ rule }) => ({ label: rule.label, points: rule.points }));
  const rules: CompanyCardRule[] = [];
  let covered = 0;
  for (const rule of unmet) {
    if (covered >= evaluation.pointsMissing) break;
    rules.push(rule);
    covered += rule.points;
  }
  return { rules, reachable: covered >= evaluation.pointsMissing };
}

function contactOf(id: string, properties: PropertyBag): CompanyCardContact {
  const text = (name: string) => properties[name]?.trim() || null;
  const fullName = [text('firstname'), text('lastname')].filter((p) => p !== null).join(' ');
  return { contactId: id, name: fullName || text('email') || `Contact ${id}`, jobTitle: text('jobtitle') };
}

function companyOf(id: string, properties: PropertyBag): CompanyCardView['company'] {
  const text = (name: string) => properties[name]?.trim() || null;
  return { name: text('name') ?? `Company ${id}`, domain: text('domain'), industry: text('industry') };
}

function byName(a: { card: CompanyCardContact }, b: { card: CompanyCardContact }): number {
  return a.card.name.localeCompare(b.card.name) || compareIds(a.card, b.card);
}

function compareIds(a: { contactId: string }, b: { contactId: string }): number {
  return a.contactId.length - b.contactId.length || (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0);
}
