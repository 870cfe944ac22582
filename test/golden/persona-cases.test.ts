import cases from './persona-cases.json';
import type { ContactWithTickets, PropertyBag } from '../../src/crm/model';
import { compileRuleSet } from '../../src/personas/engine/compile-rule-set';
import type { Condition, Persona, RuleSet } from '../../src/personas/engine/rule-set-schema';
import { validateRuleSet } from '../../src/personas/engine/validate-rule-set';
import { aContact, aPersona, aRuleSet, aSingleConditionRuleSet } from '../support/rule-set-builders';

interface ConditionCase {
  name: string;
  when: unknown;
  contact: PropertyBag;
  tickets?: PropertyBag[];
  surveys?: PropertyBag[];
  companies?: Record<string, PropertyBag>;
  now?: string;
  expected: boolean;
}

interface ExplanationCase extends Omit<ConditionCase, 'expected'> {
  expected: { fired: boolean; facts?: string[] };
}

interface InvalidCase {
  name: string;
  when: unknown;
  errors: { path: string; message: string }[];
}

interface RuleSetCase {
  personas: (Partial<Persona> & { id: string })[];
  unassigned?: RuleSet['unassigned'];
  journey?: RuleSet['journey'];
}

interface AssignmentCase {
  name: string;
  ruleSet: string;
  contact: PropertyBag;
  tickets?: PropertyBag[];
  now?: string;
  expected: unknown;
}

const defaultNow = Date.parse(cases.now);

function validated(input: unknown): RuleSet {
  const result = validateRuleSet(input);
  if (!result.ok) throw new Error(`golden rule set is invalid: ${JSON.stringify(result.errors)}`);
  return result.ruleSet;
}

describe('golden conditions', () => {
  it.each((cases.conditions as ConditionCase[]).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const ruleSet = validated(aSingleConditionRuleSet(c.when as Condition));
    const contact = { ...aContact(c.contact, c.tickets ?? []), ...related(c) };
    const assignment = compileRuleSet(ruleSet).assign(contact, c.now ? Date.parse(c.now) : defaultNow);

    expect(assignment.assigned).toBe(c.expected);
  });
});

/** The primary company as the data layer resolves it: by id among the companies it knows. */
function related(c: Pick<ConditionCase, 'contact' | 'companies' | 'surveys'>): Pick<ContactWithTickets, 'company' | 'surveys'> {
  const companyId = c.contact.associatedcompanyid;
  const properties = companyId ? c.companies?.[companyId] : undefined;
  return {
    company: properties === undefined ? null : { properties },
    surveys: (c.surveys ?? []).map((survey) => ({ properties: survey })),
  };
}

describe('golden explanations', () => {
  it.each((cases.explanations as ExplanationCase[]).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const ruleSet = validated(aSingleConditionRuleSet(c.when as Condition));
    const contact = { ...aContact(c.contact, c.tickets ?? []), ...related(c) };
    const compiled = compileRuleSet(ruleSet);
    const now = c.now ? Date.parse(c.now) : defaultNow;

    const explained = compiled.explainAll(contact, now);
    const [rule] = explained.personas[0].rules;

    expect({ fired: rule.fired, ...(rule.facts ? { facts: rule.facts } : {}) }).toEqual(c.expected);
    // The assignment's own list of fired rules carries the same facts; assign() (the scoring path) none.
    if (c.expected.fired) expect(explained.assignment.explanation.firedRules[0].facts).toEqual(c.expected.facts);
    expect(compiled.assign(contact, now).explanation.firedRules.every((r) => r.facts === undefined)).toBe(true);
  });
});

describe('golden invalid conditions', () => {
  it.each((cases.invalid as InvalidCase[]).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = validateRuleSet(aSingleConditionRuleSet(c.when as Condition));

    expect(result.ok ? [] : result.errors).toEqual(c.errors);
  });
});

describe('golden assignments', () => {
  const ruleSets = cases.ruleSets as Record<string, RuleSetCase>;

  it.each((cases.assignments as AssignmentCase[]).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const spec = ruleSets[c.ruleSet];
    const { personas, ...overrides } = spec;
    const ruleSet = validated(
      aRuleSet(
        personas.map((persona) => aPersona(persona)),
        overrides,
      ),
    );
    const contact = aContact(c.contact, c.tickets ?? []);
    const now = c.now ? Date.parse(c.now) : defaultNow;

    const assignment = compileRuleSet(ruleSet).assign(contact, now);

    expect(assignment).toEqual(c.expected);
    expect(JSON.parse(JSON.stringify(assignment))).toEqual(assignment);
  });
});

describe('golden journey stages', () => {
  const compiled = compileRuleSet(validated(aRuleSet([])));

  it.each(cases.journey.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(compiled.assign(aContact({ lifecyclestage: c.lifecyclestage }), defaultNow).journeyStage).toBe(c.expected);
  });
});
