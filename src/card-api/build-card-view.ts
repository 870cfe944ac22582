import type { SurveyQuote } from '../crm/crm-store';
import type { PropertyBag } from '../crm/model';
import type { Assignment, DetailedEvaluation, Persona, RuleSet } from '../personas/engine';
import type { ManualOverride } from '../personas/writeback';
import type {
  CardCompany,
  CardPersona,
  CardPersonaQuote,
  CardRule,
  CardSurveyAnswer,
  CardSecondaryPersona,
  CardTicket,
  CardTicketSummary,
  CardUnassignedHint,
  CardValidation,
  CardView,
  CardWhy,
} from './card-view';

export interface BuildCardViewInput {
  readonly portalId: number;
  readonly contactId: string;
  readonly ruleSet: Pick<RuleSet, 'unassigned' | 'personas'>;
  /** What the rules computed. */
  readonly assignment: Assignment;
  /** A manual value set in HubSpot, which wins over the computed one. */
  readonly override: ManualOverride | null;
  readonly contact: { readonly properties: PropertyBag };
  readonly tickets: readonly { readonly id: string; readonly properties: PropertyBag }[];
  readonly company?: { readonly id: string; readonly properties: PropertyBag } | null;
  readonly surveys?: readonly { readonly id: string; readonly properties: PropertyBag }[];
  /** The engine's explainAll for this contact: scores of personas other than the computed one, and the nearest persona. */
  readonly evaluation: Pick<DetailedEvaluation, 'personas' | 'nearest'> | null;
  readonly now: number;
  /** The latest validation verdict per persona id. */
  readonly verdicts?: ReadonlyMap<string, CardValidation>;
}

export const RECENT_TICKETS_SHOWN = 5;
export const RECENT_SURVEYS_SHOWN = 3;

// HubSpot's default ticket pipeline closes tickets in stage "4"; other pipelines set closed_date.
const CLOSED_PIPELINE_STAGES = new Set(['4']);

export function buildCardView(input: BuildCardViewInput): CardView {
  const { ruleSet, assignment, override } = input;
  const personasById = new Map(ruleSet.personas.map((p) => [p.id, p]));
  const evaluationsById = new Map((input.evaluation?.personas ?? []).map((e) => [e.personaId, e]));
  const nameOf = (id: string) => personasById.get(id)?.name ?? (id === ruleSet.unassigned.id ? ruleSet.unassigned.label : id);

  const computedId = assignment.assigned ? assignment.personaId : null;
  const manualId = override && override.persona !== ruleSet.unassigned.id ? override.persona : null;
  const effectiveId = override ? manualId : computedId;

  const persona = effectiveId === null ? null : toCardPersona(effectiveId, personasById.get(effectiveId));
  const effectiveDefinition = effectiveId === null ? undefined : personasById.get(effectiveId);

  let score: CardView['score'] = null;
  if (effectiveId !== null && effectiveId === computedId && assignment.threshold !== null) {
    score = { score: assignment.score, threshold: assignment.threshold, qualifies: assignment.score >= assignment.threshold };
  } else if (effectiveId !== null) {
    const evaluation = evaluationsById.get(effectiveId);
    if (evaluation) score = { score: evaluation.score, threshold: evaluation.threshold, qualifies: evaluation.qualifies };
  }

  const why: CardWhy | null =
    computedId === null
      ? null
      : {
          personaId: computedId,
          personaName: nameOf(computedId),
          firedRules: assignment.explanation.firedRules.map(toCardRule),
          score: assignment.explanation.score,
          threshold: assignment.explanation.threshold ?? assignment.threshold ?? 0,
          runnerUp:
            assignment.explanation.runnerUp === null
              ? null
              : {
                  personaId: assignment.explanation.runnerUp.personaId,
                  personaName: nameOf(assignment.explanation.runnerUp.personaId),
                  score: assignment.explanation.runnerUp.score,
                  threshold: assignment.explanation.runnerUp.threshold,
                  qualifies: assignment.explanation.runnerUp.qualifies,
                  margin: assignment.explanation.score - assignment.explanation.runnerUp.score,
                },
        };

  const stage = assignment.journeyStage;
  return {
    contractVersion: 1,
    portalId: input.portalId,
    contactId: input.contactId,
    contact: contactBasics(input.contactId, input.contact.properties),
    state: effectiveId === null ? 'unassigned' : 'assigned',
    persona,
    score,
    setByHand:
      override === null
        ? null
        : {
            personaId: override.persona,
            personaName: nameOf(override.persona),
            setBy: override.by,
            setAt: new Date(override.at).toISOString(),
          },
    validation: validationOf(effectiveId === null ? undefined : input.verdicts?.get(effectiveId)),
    computed: {
      personaId: computedId,
      personaName: computedId === null ? ruleSet.unassigned.label : nameOf(computedId),
      score: assignment.score,
      threshold: computedId === null ? null : assignment.threshold,
    },
    why,
    journeyStage: stage,
    contentForStage: [...(effectiveDefinition?.profile.content?.[stage] ?? [])],
    secondary: secondaryPersonas(assignment, effectiveId, personasById, evaluationsById),
    tickets: summarizeTickets(input.tickets),
    company: input.company ? cardCompany(input.company) : null,
    surveys: latestSurveyAnswers(input.surveys ?? [], RECENT_SURVEYS_SHOWN),
    unassignedLabel: ruleSet.unassigned.label,
    unassignedHint: effectiveId === null && input.evaluation ? unassignedHint(input.evaluation, personasById) : null,
    generatedAt: new Date(input.now).toISOString(),
  };
}

function toCardPersona(id: string, definition: Persona | undefined): CardPersona {
  const profile: Partial<Persona['profile']> = definition?.profile ?? {};
  return {
    id,
    // A manual value may name a persona the live rule set no longer has: show the raw value.
    name: definition?.name ?? id,
    kind: definition?.kind ?? null,
    photoUrl: profile.photoUrl ?? null,
    bio: profile.bio ?? '',
    goals: [...(profile.goals ?? [])],
    challenges: [...(profile.challenges ?? [])],
    objections: [...(profile.objections ?? [])],
    talkingPoints: [...(profile.talkingPoints ?? [])],
    channels: [...(profile.channels ?? [])],
  };
}

function toCardRule(rule: { readonly label: string; readonly points: number; readonly facts?: readonly string[] }): CardRule {
  return rule.facts ? { label: rule.label, points: rule.points, facts: [...rule.facts] } : { label: rule.label, points: rule.points };
}

/** Survey comments as the persona sheet shows them ("What they say"). */
export function cardQuotes(quotes: readonly SurveyQuote[]): CardPersonaQuote[] {
  return quotes.map((q) => ({
    comment: q.comment,
    type: q.type,
    score: q.score,
    date: q.createdAt === null ? null : new Date(q.createdAt).toISOString().slice(0, 10),
  }));
}

function secondaryPersonas(
  assignment: Assignment,
  effectiveId: string | null,
  personasById: ReadonlyMap<string, Persona>,
  evaluationsById: ReadonlyMap<string, { readonly score: number }>,
): CardSecondaryPersona[] {
  const result: CardSecondaryPersona[] = [];
  for (const id of assignment.secondary) {
    const definition = personasById.get(id);
    if (id === effectiveId || !definition) continue;
    result.push({ id, name: definition.name, kind: definition.kind, score: evaluationsById.get(id)?.score ?? null });
  }
  return result;
}

function contactBasics(contactId: string, properties: PropertyBag): CardView['contact'] {
  const text = (name: string) => {
    const value = properties[name]?.trim();
    return value ? value : null;
  };
  const fullName = [text('firstname'), text('lastname')].filter((p) => p !== null).join(' ');
  const email = text('email');
  return { displayName: fullName || email || `Contact ${contactId}`, email, lifecycleStage: text('lifecyclestage') };
}

function cardCompany(company: { readonly id: string; readonly properties: PropertyBag }): CardCompany {
  const text = (name: string) => company.properties[name]?.trim() || null;
  const employees = Number(text('numberofemployees') ?? Number.NaN);
  return {
    id: company.id,
    name: text('name') ?? `Company ${company.id}`,
    industry: text('industry'),
    employees: Number.isFinite(employees) ? employees : null,
    domain: text('domain'),
  };
}

/** Survey answers newest first (undated last), at most `limit`. */
export function latestSurveyAnswers(
  surveys: readonly { readonly id: string; readonly properties: PropertyBag }[],
  limit: number,
): CardSurveyAnswer[] {
  const answers = surveys.map((s) => {
    const text = (name: string) => s.properties[name]?.trim() || null;
    const createdAt = parseDate(s.properties.hs_createdate);
    const score = Number(text('hs_value') ?? Number.NaN);
    return {
      id: s.id,
      type: text('hs_survey_type') ?? 'CUSTOM',
      surveyName: text('hs_survey_name'),
      score: Number.isFinite(score) ? score : null,
      comment: text('hs_content'),
      sentiment: text('hs_sentiment'),
      createdAt: createdAt === null ? null : new Date(createdAt).toISOString(),
      sortKey: createdAt ?? Number.NEGATIVE_INFINITY,
    };
  });
  answers.sort((a, b) => b.sortKey - a.sortKey || a.id.localeCompare(b.id));
  return answers.slice(0, limit).map(({ sortKey: _sortKey, ...answer }) => answer);
}

export function summarizeTickets(tickets: readonly { readonly id: string; readonly properties: PropertyBag }[]): CardTicketSummary {
  const cards: (CardTicket & { sortKey: number })[] = tickets.map((t) => {
    const createdAt = parseDate(t.properties.createdate);
    const closed = Boolean(t.properties.closed_date?.trim()) || CLOSED_PIPELINE_STAGES.has(t.properties.hs_pipeline_stage?.trim() ?? '');
    return {
      id: t.id,
      subject: t.properties.subject?.trim() || '(no subject)',
      status: closed ? 'closed' : 'open',
      priority: t.properties.hs_ticket_priority?.trim() || null,
      createdAt: createdAt === null ? null : new Date(createdAt).toISOString(),
      sortKey: createdAt ?? Number.NEGATIVE_INFINITY,
    };
  });
  cards.sort((a, b) => b.sortKey - a.sortKey || a.id.localeCompare(b.id));
  return {
    total: cards.length,
    open: cards.filter((c) => c.status === 'open').length,
    recent: cards.slice(0, RECENT_TICKETS_SHOWN).map(({ sortKey: _sortKey, ...ticket }) => ticket),
  };
}

/**
 * The engine names the non-negative persona closest to qualifying and its unmet positive rules,
 * largest first; the card shows only as many as it takes to close the gap.
 */
function unassignedHint(
  evaluation: Pick<DetailedEvaluation, 'personas' | 'nearest'>,
  personasById: ReadonlyMap<string, Persona>,
): CardUnassignedHint | null {
  const nearest = evaluation.nearest;
  const persona = nearest ? personasById.get(nearest.personaId) : undefined;
  const scored = nearest ? evaluation.personas.find((p) => p.personaId === nearest.personaId) : undefined;
  if (!nearest || !persona || !scored) return null;
  const rulesToQualify: CardRule[] = [];
  let covered = 0;
  for (const rule of nearest.suggestions) {
    if (covered >= nearest.pointsMissing) break;
    rulesToQualify.push(toCardRule(rule));
    covered += rule.points;
  }
  return {
    personaId: persona.id,
    personaName: persona.name,
    kind: persona.kind,
    score: scored.score,
    threshold: scored.threshold,
    pointsNeeded: nearest.pointsMissing,
    rulesToQualify,
    reachable: covered >= nearest.pointsMissing,
  };
}

function parseDate(value: string | null | undefined): number | null {
  const v = value?.trim();
  if (!v) return null;
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(ms) ? ms : null;
}

function validationOf(v: CardValidation | undefined): CardValidation | null {
  return v ? { status: v.status, words: v.words, date: v.date } : null;
}
