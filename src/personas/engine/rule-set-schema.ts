import { z } from 'zod';
import { operatorNames, operators } from './operators';

/** Buyer-journey stages, in order. */
export const journeyStages = ['awareness', 'consideration', 'decision', 'advocacy'] as const;
export type JourneyStage = (typeof journeyStages)[number];

export const personaIdPattern = /^[a-z][a-z0-9_]{0,63}$/;
const propertyNamePattern = /^[a-z][a-z0-9_]*$/;

export type ScalarValue = string | number | boolean;

/** `{ property: P, <exactly one operator>: value }`; see docs/rule-language.md "Conditions". */
export interface PropertyCondition {
  readonly property: string;
  readonly eq?: ScalarValue;
  readonly neq?: ScalarValue;
  readonly in?: readonly ScalarValue[];
  readonly notIn?: readonly ScalarValue[];
  readonly contains?: string;
  readonly startsWith?: string;
  readonly endsWith?: string;
  readonly matches?: string;
  readonly gt?: number;
  readonly gte?: number;
  readonly lt?: number;
  readonly lte?: number;
  readonly between?: readonly [number, number];
  readonly exists?: boolean;
  readonly withinDays?: number;
  readonly olderThanDays?: number;
  readonly hasAny?: readonly ScalarValue[];
}

export type CountComparison =
  | { readonly eq: number }
  | { readonly neq: number }
  | { readonly gt: number }
  | { readonly gte: number }
  | { readonly lt: number }
  | { readonly lte: number }
  | { readonly between: readonly [number, number] };

/** Counts related records (tickets or survey responses) that match `where` inside a window. */
export interface RelatedCount {
  readonly where?: Condition;
  readonly withinDays?: number;
  readonly count: CountComparison;
}

export interface TicketsCondition {
  readonly tickets: RelatedCount;
}

export interface SurveysCondition {
  readonly surveys: RelatedCount;
}

/** Evaluated on the contact's primary company; false when there is none or it is unknown. */
export interface CompanyCondition {
  readonly company: Condition;
}

export type Condition =
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition }
  | PropertyCondition
  | TicketsCondition
  | SurveysCondition
  | CompanyCondition;

export const countOperators = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between'] as const;

type Path = (string | number)[];
type Report = (path: Path, message: string) => void;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

const conditionForms = ['all', 'any', 'not', 'property', 'tickets', 'surveys', 'company'] as const;
const relatedForms: ReadonlySet<string> = new Set(['tickets', 'surveys', 'company']);
const formList = 'all, any, not, property, tickets, surveys or company';

/**
 * Reports every problem of a condition tree. `nestedIn` names the related-record condition the tree
 * sits in (a company condition, or a tickets/surveys `where`), where only all, any, not and
 * property are allowed.
 */
function checkCondition(value: unknown, path: Path, report: Report, nestedIn: string | null): void {
  if (!isPlainObject(value)) {
    report(path, 'expected a condition object');
    return;
  }
  const keys = Object.keys(value);
  const forms = keys.filter((key) => (conditionForms as readonly string[]).includes(key));
  if (forms.length === 0) {
    const found = keys.length === 0 ? 'an empty object' : keys.map((key) => `"${key}"`).join(', ');
    report(path, `a condition needs one of ${formList}; found ${found}`);
    return;
  }
  if (forms.length > 1) {
    report(path, `a condition takes exactly one of ${formList}, found ${forms.join(', ')}`);
    return;
  }
  const form = forms[0];
  if (form !== 'property') {
    for (const key of keys) if (key !== form) report([...path, key], `unexpected key beside "${form}"`);
  }
  if (form === 'all' || form === 'any') {
    const list = value[form];
    if (!Array.isArray(list)) {
      report([...path, form], 'expected an array of conditions');
      return;
    }
    list.forEach((item, index) => checkCondition(item, [...path, form, index], report, nestedIn));
    return;
  }
  if (form === 'not') {
    checkCondition(value.not, [...path, 'not'], report, nestedIn);
    return;
  }
  if (relatedForms.has(form) && nestedIn !== null) {
    report([...path, form], `a ${form} condition cannot be nested in ${nestedIn}; only all, any, not and property are allowed there`);
    return;
  }
  if (form === 'tickets') checkRelatedCount(value.tickets, [...path, 'tickets'], report, 'a tickets where');
  else if (form === 'surveys') checkRelatedCount(value.surveys, [...path, 'surveys'], report, 'a surveys where');
  else if (form === 'company') checkCondition(value.company, [...path, 'company'], report, 'a company condition');
  else checkPropertyCondition(value, keys, path, report);
}

function checkPropertyCondition(value: Record<string, unknown>, keys: string[], path: Path, report: Report): void {
  if (typeof value.property !== 'string' || value.property.trim() === '') {
    report([...path, 'property'], 'expected a non-empty property name');
  }
  const operatorKeys = keys.filter((key) => key !== 'property');
  for (const key of operatorKeys) {
    if (!operators.has(key)) report([...path, key], `unknown operator "${key}"; expected one of ${operatorNames.join(', ')}`);
  }
  const known = operatorKeys.filter((key) => operators.has(key));
  if (operatorKeys.length === 0) {
    report(path, 'a property condition needs exactly one operator');
  } else if (known.length > 1) {
    report(path, `a property condition takes exactly one operator, found ${known.length}: ${known.join(', ')}`);
  }
  for (const key of known) {
    const problem = operators.get(key)!.validate(value[key]);
    if (problem !== null) report([...path, key], problem);
  }
}

function checkRelatedCount(value: unknown, path: Path, report: Report, whereName: string): void {
  if (!isPlainObject(value)) {
    report(path, 'expected { where?, withinDays?, count }');
    return;
  }
  for (const key of Object.keys(value)) {
    if (key !== 'where' && key !== 'withinDays' && key !== 'count') report([...path, key], `unexpected key "${key}"`);
  }
  if (value.where !== undefined) checkCondition(value.where, [...path, 'where'], report, whereName);
  if (value.withinDays !== undefined && !(isFiniteNumber(value.withinDays) && value.withinDays >= 0)) {
    report([...path, 'withinDays'], 'expected a finite number of days, 0 or more');
  }
  const count = value.count;
  if (!isPlainObject(count)) {
    report([...path, 'count'], `expected an object with exactly one of ${countOperators.join(', ')}`);
    return;
  }
  const keys = Object.keys(count);
  for (const key of keys) {
    if (!(countOperators as readonly string[]).includes(key)) {
      report([...path, 'count', key], `unknown count operator "${key}"; expected one of ${countOperators.join(', ')}`);
    }
  }
  const known = keys.filter((key) => (countOperators as readonly string[]).includes(key));
  if (keys.length === 0) report([...path, 'count'], `expected exactly one of ${countOperators.join(', ')}`);
  else if (known.length > 1) {
    report([...path, 'count'], `count takes exactly one operator, found ${known.length}: ${known.join(', ')}`);
  }
  for (const key of known) {
    const operand = count[key];
    if (key === 'between') {
      if (!Array.isArray(operand) || operand.length !== 2 || !isFiniteNumber(operand[0]) || !isFiniteNumber(operand[1])) {
        report([...path, 'count', key], 'expected [low, high] with two finite numbers');
      } else if (operand[0] > operand[1]) {
        report([...path, 'count', key], 'low must not be greater than high');
      }
    } else if (!isFiniteNumber(operand)) {
      report([...path, 'count', key], 'expected a finite number');
    }
  }
}

const conditionSchema = z.unknown().superRefine((value, ctx) => {
  checkCondition(value, [], (path, message) => ctx.addIssue({ code: 'custom', path, message }), null);
}) as unknown as z.ZodType<Condition>;

const finiteNumber = z.number().refine(Number.isFinite, 'expected a finite number');
const nonEmptyText = z.string().trim().min(1, 'must not be empty');
const textList = z.array(nonEmptyText);

const personaId = z.string().regex(personaIdPattern, 'must match [a-z][a-z0-9_]{0,63}');

export const ruleSchema = z.strictObject({
  label: nonEmptyText,
  points: finiteNumber,
  when: conditionSchema,
});

const hypothesisMetrics: readonly string[] = ['email_open_rate', 'email_click_rate', 'conversion_rate', 'customer_rate'];

export const hypothesisSchema = z.strictObject({
  metric: z
    .string()
    .refine(
      (metric) => hypothesisMetrics.includes(metric) || /^pilot:[A-Za-z0-9_.-]+$/.test(metric),
      `expected ${hypothesisMetrics.join(', ')} or pilot:<outcome>`,
    ),
  op: z.enum(['gte', 'gt', 'lte', 'lt']),
  value: finiteNumber.refine((value) => value >= 0 && value <= 1, 'expected a rate between 0 and 1'),
});

export const personaProfileSchema = z.strictObject({
  bio: nonEmptyText,
  photoUrl: nonEmptyText,
  goals: textList,
  challenges: textList,
  channels: textList,
  objections: textList,
  talkingPoints: textList,
  empathy: z.strictObject({ says: textList, thinks: textList, feels: textList, does: textList }).optional(),
  content: z.strictObject({
    awareness: textList,
    consideration: textList,
    decision: textList,
    advocacy: textList,
  }),
});

export const personaSchema = z
  .strictObject({
    id: personaId,
    name: nonEmptyText,
    kind: z.enum(['customer', 'buyer', 'negative']),
    priority: finiteNumber.default(0),
    threshold: finiteNumber,
    profile: personaProfileSchema,
    rules: z.array(ruleSchema),
    hypothesis: hypothesisSchema.optional(),
    /** An account's buying committee needs this persona (see the company coverage properties). */
    committee: z.boolean().optional(),
  })
  .superRefine((persona, ctx) => {
    if (persona.committee === true && persona.kind === 'negative') {
      ctx.addIssue({ code: 'custom', path: ['committee'], message: 'a negative persona cannot be part of the buying committee' });
    }
  });

/** The mapping used when a rule set names no journey. */
export const defaultJourney: Readonly<Record<string, JourneyStage>> = {
  subscriber: 'awareness',
  lead: 'awareness',
  marketingqualifiedlead: 'consideration',
  salesqualifiedlead: 'consideration',
  opportunity: 'decision',
  customer: 'advocacy',
  evangelist: 'advocacy',
};

export const ruleSetSchema = z
  .strictObject({
    version: z.literal(1),
    property: z.strictObject({
      name: z.string().regex(propertyNamePattern, 'must be lower case: [a-z][a-z0-9_]*').max(90),
      label: nonEmptyText,
      groupName: z.string().regex(propertyNamePattern, 'must be lower case: [a-z][a-z0-9_]*'),
    }),
    unassigned: z.strictObject({ id: personaId, label: nonEmptyText }),
    journey: z.record(z.string(), z.enum(journeyStages)).default({ ...defaultJourney }),
    /** Points: a contact whose persona beats a qualifying runner-up by less goes to the review queue (5 when absent). */
    reviewMargin: z.number().finite().min(0).max(1000).optional(),
    personas: z.array(personaSchema),
  })
  .superRefine(
    (value, ctx) => {
      // Runs even when other parts failed, so duplicate ids are reported with everything else;
      // the input may therefore be malformed here.
      const raw = value as unknown;
      if (!isPlainObject(raw) || !Array.isArray(raw.personas)) return;
      const firstIndex = new Map<string, number>();
      raw.personas.forEach((persona: unknown, index: number) => {
        if (!isPlainObject(persona) || typeof persona.id !== 'string') return;
        const seen = firstIndex.get(persona.id);
        if (seen === undefined) firstIndex.set(persona.id, index);
        else
          ctx.addIssue({
            code: 'custom',
            path: ['personas', index, 'id'],
            message: `duplicate persona id "${persona.id}" (also personas[${seen}])`,
          });
      });
      const unassigned = isPlainObject(raw.unassigned) ? raw.unassigned.id : undefined;
      if (typeof unassigned === 'string' && firstIndex.has(unassigned)) {
        ctx.addIssue({
          code: 'custom',
          path: ['unassigned', 'id'],
          message: `collides with the id of personas[${firstIndex.get(unassigned)}]`,
        });
      }
    },
    { when: () => true },
  );

export type RuleSet = z.output<typeof ruleSetSchema>;
/** What an admin may write: like RuleSet, with defaulted fields optional. */
export type RuleSetInput = z.input<typeof ruleSetSchema>;
export type Persona = z.output<typeof personaSchema>;
export type PersonaKind = Persona['kind'];
export type PersonaProfile = z.output<typeof personaProfileSchema>;
export type Rule = z.output<typeof ruleSchema>;
export type Hypothesis = z.output<typeof hypothesisSchema>;
