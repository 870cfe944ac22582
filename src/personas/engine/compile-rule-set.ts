import type { ContactWithTickets } from '../../crm/model';
import * as assign from './assign';
import type { ScoreBoard } from './assign';
import type { Assignment, DetailedEvaluation, FiredRule, NearestPersona, PersonaEvaluation } from './assignment';
import {
  type CompiledCondition,
  compileCondition,
  type ConditionColumns,
  countContactConditions,
  type EvalContext,
  PropertyColumns,
} from './conditions';
import { compileFactProbes, type FactProbe } from './explain-facts';
import { compileJourney } from './journey';
import type { JourneyStage, Persona, RuleSet } from './rule-set-schema';
import { ValueTable } from './value-table';

/** A rule set compiled once into closures; evaluate as many contacts as needed with it. */
export interface CompiledRuleSet {
  readonly ruleSet: RuleSet;
  /** Every contact property the rules read, plus `lifecyclestage` (journey); fetch these from HubSpot. */
  readonly contactProperties: readonly string[];
  /** Every ticket property the rules read, plus `createdate`. */
  readonly ticketProperties: readonly string[];
  /** Every survey response property the rules read, plus `hs_createdate`. */
  readonly surveyProperties: readonly string[];
  /** Every company property the rules read (empty when no rule reads the company). */
  readonly companyProperties: readonly string[];
  /** Pure and deterministic: the same rule set, contact and `now` (epoch ms) give the same assignment. */
  assign(contact: ContactWithTickets, now: number): Assignment;
  /** Every persona's score and every rule's result, plus the nearest persona for an unassigned contact. */
  explainAll(contact: ContactWithTickets, now: number): DetailedEvaluation;
}

interface CompiledRule {
  readonly label: string;
  readonly points: number;
  readonly when: CompiledCondition;
  /** The rule's company and survey facts, read only when a contact is explained. */
  readonly facts: readonly FactProbe[];
}

interface CompiledPersona {
  readonly persona: Persona;
  readonly rules: readonly CompiledRule[];
  /** Index of this persona's first rule in the flat `fired` array. */
  readonly firstRule: number;
}

// Local bindings: some loaders compile imports to getter calls, which the hot path should not pay for.
const { choosePrimary, chooseRunnerUp, chooseSecondary, qualifies } = assign;

const LIFECYCLE_STAGE = 'lifecyclestage';
const CREATE_DATE = 'createdate';
const SURVEY_CREATE_DATE = 'hs_createdate';

/**
 * Compiles a validated rule set (see validateRuleSet): regexes, case folding and `in` sets are
 * prepared here once. The returned object keeps reusable buffers, so one instance must not be used
 * from two evaluations at the same time (evaluation is synchronous, so in Node it never is).
 */
export function compileRuleSet(ruleSet: RuleSet): CompiledRuleSet {
  const counts = new Map<string, number>();
  for (const persona of ruleSet.personas) for (const rule of persona.rules) countContactConditions(rule.when, counts);
  const columns: ConditionColumns = {
    contact: new PropertyColumns(),
    ticket: new PropertyColumns(),
    survey: new PropertyColumns(),
    company: new PropertyColumns(),
    ticketCreateDate: 0,
    surveyCreateDate: 0,
    repeated: new Set([...counts].filter(([, count]) => count > 1).map(([key]) => key)),
    memoSlots: new Map(),
  };
  columns.ticketCreateDate = columns.ticket.column(CREATE_DATE);
  columns.surveyCreateDate = columns.survey.column(SURVEY_CREATE_DATE);

  let ruleCount = 0;
  const personas: CompiledPersona[] = ruleSet.personas.map((persona) => {
    const firstRule = ruleCount;
    ruleCount += persona.rules.length;
    return {
      persona,
      firstRule,
      rules: persona.rules.map((rule) => ({
        label: rule.label,
        points: rule.points,
        when: compileCondition(rule.when, columns, 'contact'),
        facts: compileFactProbes(rule.when, columns),
      })),
    };
  });
  const lifecycleColumn = columns.contact.column(LIFECYCLE_STAGE);
  const journeyOf = compileJourney(ruleSet.journey);

  const contactTable = new ValueTable(columns.contact.names);
  const ticketTable = new ValueTable(columns.ticket.names);
  const surveyTable = new ValueTable(columns.survey.names);
  const companyTable = new ValueTable(columns.company.names);
  const companyRow: { properties: ContactWithTickets['properties'] }[] = [EMPTY_RECORD];
  const ctx: EvalContext = {
    contact: contactTable,
    tickets: ticketTable,
    surveys: surveyTable,
    company: companyTable,
    memoGeneration: 0,
    memoStamp: new Int32Array(columns.memoSlots.size),
    memoValue: new Uint8Array(columns.memoSlots.size),
  };
  const contactRow: { properties: ContactWithTickets['properties'] }[] = [{ properties: {} }];

  const count = personas.length;
  const board: ScoreBoard = {
    scores: new Float64Array(count),
    thresholds: Float64Array.from(personas, (p) => p.persona.threshold),
    priorities: Float64Array.from(personas, (p) => p.persona.priority),
    negative: Uint8Array.from(personas, (p) => (p.persona.kind === 'negative' ? 1 : 0)),
  };
  const fired = new Uint8Array(ruleCount);

  /** Facts per flat rule index of the last evaluation that asked for them (see explain-facts.ts). */
  let facts: (string[] | undefined)[] | null = null;

  function evaluate(contact: ContactWithTickets, now: number, withFacts = false): JourneyStage {
    contactRow[0] = contact;
    contactTable.load(contactRow);
    ticketTable.load(contact.tickets ?? []);
    surveyTable.load(contact.surveys ?? NO_RECORDS);
    if (contact.company) {
      companyRow[0] = contact.company;
      companyTable.load(companyRow);
    } else {
      companyTable.load(NO_RECORDS);
    }
    contactTable.now = now;
    ticketTable.now = now;
    surveyTable.now = now;
    companyTable.now = now;
    ctx.memoGeneration += 1;
    if (ctx.memoGeneration === 0x7fffffff) {
      ctx.memoStamp.fill(0);
      ctx.memoGeneration = 1;
    }
    for (let p = 0; p < count; p += 1) {
      const { rules, firstRule } = personas[p];
      let score = 0;
      for (let r = 0; r < rules.length; r += 1) {
        const rule = rules[r];
        if (rule.when(contactTable, 0, ctx)) {
          score += rule.points;
          fired[firstRule + r] = 1;
        } else {
          fired[firstRule + r] = 0;
        }
      }
      board.scores[p] = score;
    }
    const stage = contactTable.raw(0, lifecycleColumn) === null ? null : contactTable.lower(0, lifecycleColumn);
    const journeyStage = journeyOf(stage);
    facts = withFacts ? collectFacts(contact) : null;
    // Drop the references so the caller's objects are not retained between evaluations.
    contactRow[0] = EMPTY_RECORD;
    contactTable.load(contactRow);
    ticketTable.load(NO_RECORDS);
    surveyTable.load(NO_RECORDS);
    companyRow[0] = EMPTY_RECORD;
    companyTable.load(NO_RECORDS);
    return journeyStage;
  }

  function collectFacts(contact: ContactWithTickets): (string[] | undefined)[] {
    const out: (string[] | undefined)[] = new Array(ruleCount);
    for (const { rules, firstRule } of personas) {
      rules.forEach((rule, r) => {
        if (rule.facts.length) out[firstRule + r] = rule.facts.map((probe) => probe(ctx, contact));
      });
    }
    return out;
  }

  /** A rule's label and points, with its facts when the evaluation collected some. */
  function ruleBrief(rule: CompiledRule, index: number): FiredRule {
    const ruleFacts = facts?.[index];
    return ruleFacts ? { label: rule.label, points: rule.points, facts: ruleFacts } : { label: rule.label, points: rule.points };
  }

  function firedRulesOf(p: number): FiredRule[] {
    const { rules, firstRule } = personas[p];
    const out: FiredRule[] = [];
    for (let r = 0; r < rules.length; r += 1) {
      if (fired[firstRule + r] === 1) out.push(ruleBrief(rules[r], firstRule + r));
    }
    return out;
  }

  function buildAssignment(journeyStage: JourneyStage): Assignment {
    const primary = choosePrimary(board);
    const runner = chooseRunnerUp(board, primary);
    const runnerUp =
      runner === -1
        ? null
        : {
            personaId: personas[runner].persona.id,
            score: board.scores[runner],
            threshold: board.thresholds[runner],
            qualifies: qualifies(board, runner),
          };
    if (primary === -1) {
      return {
        personaId: ruleSet.unassigned.id,
        assigned: false,
        kind: null,
        score: 0,
        threshold: null,
        secondary: [],
        journeyStage,
        explanation: { firedRules: [], score: 0, threshold: null, runnerUp },
      };
    }
    const persona = personas[primary].persona;
    const score = board.scores[primary];
    return {
      personaId: persona.id,
      assigned: true,
      kind: persona.kind,
      score,
      threshold: persona.threshold,
      secondary: chooseSecondary(board, primary).map((i) => personas[i].persona.id),
      journeyStage,
      explanation: { firedRules: firedRulesOf(primary), score, threshold: persona.threshold, runnerUp },
    };
  }

  function evaluatePersona(p: number): PersonaEvaluation {
    const { persona, rules, firstRule } = personas[p];
    const score = board.scores[p];
    const ruleResults = rules.map((rule, r) => ({ ...ruleBrief(rule, firstRule + r), fired: fired[firstRule + r] === 1 }));
    return {
      personaId: persona.id,
      name: persona.name,
      kind: persona.kind,
      priority: persona.priority,
      threshold: persona.threshold,
      score,
      qualifies: score >= persona.threshold,
      pointsMissing: Math.max(0, persona.threshold - score),
      rules: ruleResults,
      notFired: ruleResults.filter((rule) => !rule.fired).map(({ fired: _fired, ...rule }) => rule),
    };
  }

  function nearestOf(evaluations: readonly PersonaEvaluation[]): NearestPersona | null {
    let best = -1;
    for (let p = 0; p < evaluations.length; p += 1) {
      if (evaluations[p].kind === 'negative') continue;
      if (
        best === -1 ||
        evaluations[p].pointsMissing < evaluations[best].pointsMissing ||
        (evaluations[p].pointsMissing === evaluations[best].pointsMissing && evaluations[p].priority > evaluations[best].priority)
      ) {
        best = p;
      }
    }
    if (best === -1) return null;
    const suggestions = evaluations[best].notFired
      .map((rule, order) => ({ rule, order }))
      .filter(({ rule }) => rule.points > 0)
      .sort((a, b) => b.rule.points - a.rule.points || a.order - b.order)
      .map(({ rule }) => rule);
    return { personaId: evaluations[best].personaId, pointsMissing: evaluations[best].pointsMissing, suggestions };
  }

  return {
    ruleSet,
    contactProperties: [...columns.contact.names],
    ticketProperties: [...columns.ticket.names],
    surveyProperties: [...columns.survey.names],
    companyProperties: [...columns.company.names],
    assign(contact, now) {
      return buildAssignment(evaluate(contact, now));
    },
    explainAll(contact, now) {
      const assignment = buildAssignment(evaluate(contact, now, true));
      const evaluations = personas.map((_, p) => evaluatePersona(p));
      return { assignment, personas: evaluations, nearest: assignment.assigned ? null : nearestOf(evaluations) };
    },
  };
}

const EMPTY_RECORD = { properties: {} };
const NO_RECORDS: readonly { properties: ContactWithTickets['properties'] }[] = [];
