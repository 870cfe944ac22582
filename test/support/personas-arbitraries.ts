import fc from 'fast-check';
import type { ContactWithTickets } from '../../src/crm/model';
import type { Condition, Persona, RuleSet } from '../../src/personas/engine/rule-set-schema';
import { aPersona, aRuleSet } from './rule-set-builders';

export const NOW = Date.parse('2026-06-15T12:00:00.000Z');
const DAY = 86_400_000;

/** Small vocabularies so that random conditions and random contacts actually meet. */
const textValues = [
  'Analyst',
  ' vp operations ',
  'Student',
  'EDUCATION',
  'retail',
  'a;b',
  'B; c',
  '10',
  '1e1',
  '12abc',
  '1,000',
  '-3.5',
  ' ',
  '',
];
const dateValues = [
  new Date(NOW - 3 * DAY).toISOString(),
  new Date(NOW - 40 * DAY).toISOString().slice(0, 10),
  String(NOW - 10 * DAY),
  String(NOW + 2 * DAY),
  '2026-06-14T12:00:00',
  'not a date',
  '2026-02-30',
];
const contactProperties = ['jobtitle', 'industry', 'n', 'tags', 'd'];
const ticketProperties = ['hs_ticket_category', 'hs_ticket_priority'];
const surveyProperties = ['hs_survey_type', 'hs_value', 'hs_sentiment'];
// `industry` and `n` also exist on the contact, so a property read in the wrong scope shows up.
const companyProperties = ['industry', 'numberofemployees', 'n'];

const scalar = fc.oneof(fc.constantFrom(...textValues.filter((v) => v.trim() !== '')), fc.integer({ min: -5, max: 15 }), fc.boolean());
const scalarList = fc.array(scalar, { minLength: 0, maxLength: 3 });
const substring = fc.constantFrom('a', 'vp', 'ANAL', 'ion', 'x', '1');

function propertyCondition(properties: readonly string[]): fc.Arbitrary<Condition> {
  const property = fc.constantFrom(...properties);
  const days = fc.integer({ min: 0, max: 60 });
  const num = fc.integer({ min: -5, max: 15 });
  return fc.oneof(
    fc.record({ property, eq: scalar }),
    fc.record({ property, neq: scalar }),
    fc.record({ property, in: scalarList }),
    fc.record({ property, notIn: scalarList }),
    fc.record({ property, contains: substring }),
    fc.record({ property, startsWith: substring }),
    fc.record({ property, endsWith: substring }),
    fc.record({ property, matches: fc.constantFrom('^a', 'vp|student', '\\d', 'b;\\s*c', 'x$') }),
    fc.record({ property, gt: num }),
    fc.record({ property, gte: num }),
    fc.record({ property, lt: num }),
    fc.record({ property, lte: num }),
    fc.tuple(num, fc.nat(10)).map(([low, span]) => ({ property: 'n', between: [low, low + span] as [number, number] })),
    fc.record({ property, exists: fc.boolean() }),
    fc.record({ property: fc.constant('d'), withinDays: days }),
    fc.record({ property: fc.constant('d'), olderThanDays: days }),
    fc.record({ property, hasAny: scalarList }),
  ) as fc.Arbitrary<Condition>;
}

const countComparison = fc.oneof(
  fc.record({ eq: fc.nat(3) }),
  fc.record({ neq: fc.nat(3) }),
  fc.record({ gt: fc.nat(3) }),
  fc.record({ gte: fc.nat(3) }),
  fc.record({ lt: fc.nat(3) }),
  fc.record({ lte: fc.nat(3) }),
  fc.tuple(fc.nat(2), fc.nat(2)).map(([low, span]) => ({ between: [low, low + span] as [number, number] })),
);

function relatedCount(properties: readonly string[]) {
  return fc.record(
    {
      where: conditionTree(properties, false, 1),
      withinDays: fc.integer({ min: 0, max: 120 }),
      count: countComparison,
    },
    { requiredKeys: ['count'] },
  );
}

/** `withRelated`: may use tickets, surveys and company (contact scope only; the spec forbids nesting them). */
function conditionTree(properties: readonly string[], withRelated: boolean, depth: number): fc.Arbitrary<Condition> {
  const leaf = propertyCondition(properties);
  if (depth === 0) return leaf;
  const inner = conditionTree(properties, withRelated, depth - 1);
  const options: fc.Arbitrary<Condition>[] = [
    leaf,
    leaf,
    fc.array(inner, { maxLength: 3 }).map((all) => ({ all })),
    fc.array(inner, { maxLength: 3 }).map((any) => ({ any })),
    inner.map((not) => ({ not })),
  ];
  if (withRelated) {
    options.push(
      relatedCount(ticketProperties).map((tickets) => ({ tickets }) as Condition),
      relatedCount(surveyProperties).map((surveys) => ({ surveys }) as Condition),
      conditionTree(companyProperties, false, 1).map((company) => ({ company }) as Condition),
    );
  }
  return fc.oneof(...options);
}

export const conditionArbitrary = conditionTree(contactProperties, true, 2);

const ruleArbitrary = fc.record({
  label: fc.constantFrom('r1', 'r2', 'r3', 'same label'),
  points: fc.integer({ min: -10, max: 20 }),
  when: conditionArbitrary,
});

const personaBody = fc.record({
  kind: fc.constantFrom('customer', 'customer', 'buyer', 'negative') as fc.Arbitrary<Persona['kind']>,
  priority: fc.integer({ min: 0, max: 2 }),
  threshold: fc.integer({ min: -5, max: 30 }),
  rules: fc.array(ruleArbitrary, { maxLength: 4 }),
});

export const ruleSetArbitrary: fc.Arbitrary<RuleSet> = fc
  .uniqueArray(
    fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/).filter((id) => id !== 'unassigned'),
    { minLength: 1, maxLength: 5 },
  )
  .chain((ids) => fc.tuple(...ids.map((id) => personaBody.map((body) => aPersona({ id, ...body })))))
  .map((personas) => aRuleSet(personas));

const contactValue = (pool: readonly string[]) => fc.option(fc.constantFrom(...pool), { nil: undefined });

const ticketArbitrary = fc.record({
  properties: fc.record({
    hs_ticket_category: contactValue(['ONBOARDING', 'billing_issue', 'PRODUCT_ISSUE', ' ', 'a;b']),
    hs_ticket_priority: contactValue(['LOW', 'high', 'URGENT', '10']),
    createdate: contactValue(dateValues),
  }),
});

const surveyArbitrary = fc.record({
  properties: fc.record({
    hs_survey_type: contactValue(['NPS', 'csat', 'CES', ' ']),
    hs_value: contactValue(['0', '6', '9', '10', '4.5', 'n/a']),
    hs_sentiment: contactValue(['POSITIVE', 'negative', 'NEUTRAL']),
    hs_createdate: contactValue(dateValues),
  }),
});

const companyArbitrary = fc.record({
  properties: fc.record({
    industry: contactValue(textValues),
    numberofemployees: contactValue(['5', '120', '5200', '1e3', '12abc', ' ']),
    n: contactValue(textValues),
  }),
});

export const contactArbitrary: fc.Arbitrary<ContactWithTickets> = fc.record({
  properties: fc.record({
    jobtitle: contactValue(textValues),
    industry: contactValue(textValues),
    n: contactValue(textValues),
    tags: contactValue(textValues),
    d: contactValue(dateValues),
    lifecyclestage: contactValue(['lead', 'customer', 'opportunity', 'other']),
  }),
  tickets: fc.array(ticketArbitrary, { maxLength: 4 }),
  // undefined: the portal did not grant survey access; null: no (known) primary company.
  surveys: fc.option(fc.array(surveyArbitrary, { maxLength: 4 }), { nil: undefined }),
  company: fc.option(companyArbitrary, { nil: null }),
});
