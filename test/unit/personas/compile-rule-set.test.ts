import { compileRuleSet } from '../../../src/personas/engine/compile-rule-set';
import { aContact, aPersona, aRule, aRuleSet } from '../../support/rule-set-builders';

const NOW = Date.parse('2026-06-15T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW - days * 86_400_000).toISOString();

const ruleSet = aRuleSet([
  aPersona({
    id: 'analyst',
    threshold: 30,
    rules: [
      aRule({ property: 'jobtitle', matches: 'analyst' }, 20, 'Analyst title'),
      aRule({ property: 'hs_analytics_num_page_views', gte: 10 }, 15, 'Reads a lot'),
      aRule(
        { tickets: { where: { property: 'hs_ticket_category', eq: 'ONBOARDING' }, withinDays: 30, count: { gte: 1 } } },
        10,
        'Onboarding',
      ),
      aRule({ property: 'industry', eq: 'EDUCATION' }, -5, 'Education'),
    ],
  }),
  aPersona({
    id: 'buyer',
    kind: 'buyer',
    threshold: 40,
    rules: [
      aRule({ all: [{ property: 'jobtitle', contains: 'vp' }, { not: { property: 'numemployees', eq: '1-5' } }] }, 30, 'Executive'),
      aRule(
        {
          tickets: {
            where: {
              any: [
                { property: 'hs_ticket_priority', in: ['HIGH'] },
                { property: 'jobtitle', exists: true },
              ],
            },
            count: { gte: 1 },
          },
        },
        5,
        'High ticket',
      ),
    ],
  }),
]);

describe('compileRuleSet', () => {
  const compiled = compileRuleSet(ruleSet);

  it('lists each contact property the rules read once, plus lifecyclestage', () => {
    expect([...compiled.contactProperties].sort()).toEqual(
      ['hs_analytics_num_page_views', 'industry', 'jobtitle', 'lifecyclestage', 'numemployees'].sort(),
    );
  });

  it('lists ticket properties read inside ticket conditions, plus createdate, apart from contact properties', () => {
    expect([...compiled.ticketProperties].sort()).toEqual(['createdate', 'hs_ticket_category', 'hs_ticket_priority', 'jobtitle'].sort());
  });

  it('lists company and survey properties apart, each read only in its own scope', () => {
    const account = compileRuleSet(
      aRuleSet([
        aPersona({
          id: 'account',
          rules: [
            aRule({ company: { all: [{ property: 'industry', eq: 'RETAIL' }, { not: { property: 'numberofemployees', lt: 50 } }] } }),
            aRule({ surveys: { where: { property: 'hs_value', lte: 6 }, withinDays: 90, count: { gte: 1 } } }),
            aRule({ property: 'jobtitle', exists: true }),
          ],
        }),
      ]),
    );

    expect([...account.companyProperties].sort()).toEqual(['industry', 'numberofemployees']);
    expect([...account.surveyProperties].sort()).toEqual(['hs_createdate', 'hs_value']);
    expect([...account.contactProperties].sort()).toEqual(['jobtitle', 'lifecyclestage']);
    expect(compiled.companyProperties).toEqual([]);
  });

  it('does not let a contact see the company or survey responses of the contact evaluated before it', () => {
    const account = compileRuleSet(
      aRuleSet([
        aPersona({
          id: 'account',
          threshold: 2,
          rules: [aRule({ company: { property: 'industry', eq: 'RETAIL' } }, 1), aRule({ surveys: { count: { gte: 1 } } }, 1)],
        }),
      ]),
    );
    const rich = { ...aContact(), company: { properties: { industry: 'RETAIL' } }, surveys: [{ properties: { hs_value: '3' } }] };

    expect(account.assign(rich, NOW).personaId).toBe('account');
    expect(account.explainAll(aContact(), NOW).personas[0].score).toBe(0);
  });

  it('does not count the tickets of a previous contact', () => {
    const withTicket = aContact({ jobtitle: 'Analyst', hs_analytics_num_page_views: '3' }, [
      { hs_ticket_category: 'ONBOARDING', createdate: daysAgo(1) },
    ]);
    const withoutTicket = aContact({ jobtitle: 'Analyst', hs_analytics_num_page_views: '3' });

    expect(compiled.assign(withTicket, NOW).personaId).toBe('analyst');
    expect(compiled.assign(withoutTicket, NOW).personaId).toBe('unassigned');
  });

  it('counts every ticket of a contact with many tickets', () => {
    const tickets = Array.from({ length: 500 }, (_, i) => ({
      hs_ticket_category: i === 499 ? 'ONBOARDING' : 'BILLING_ISSUE',
      createdate: daysAgo(1),
    }));

    const detailed = compiled.explainAll(aContact({}, tickets), NOW);

    expect(detailed.personas[0].rules.find((rule) => rule.label === 'Onboarding')?.fired).toBe(true);
  });

  it('evaluates date rules against the clock it is given', () => {
    const dated = compileRuleSet(aRuleSet([aPersona({ id: 'recent', threshold: 1, rules: [aRule({ property: 'd', withinDays: 7 }, 1)] })]));
    const contact = aContact({ d: '2026-06-10' });

    expect(dated.assign(contact, NOW).assigned).toBe(true);
    expect(dated.assign(contact, NOW + 30 * 86_400_000).assigned).toBe(false);
  });

  it('explains every persona with each rule result, the missing points and the rules not fired', () => {
    const detailed = compiled.explainAll(aContact({ jobtitle: 'VP Analyst', industry: 'EDUCATION', numemployees: '1-5' }), NOW);

    expect(detailed.personas).toEqual([
      {
        personaId: 'analyst',
        name: 'analyst',
        kind: 'customer',
        priority: 0,
        threshold: 30,
        score: 15,
        qualifies: false,
        pointsMissing: 15,
        rules: [
          { label: 'Analyst title', points: 20, fired: true },
          { label: 'Reads a lot', points: 15, fired: false },
          { label: 'Onboarding', points: 10, fired: false },
          { label: 'Education', points: -5, fired: true },
        ],
        notFired: [
          { label: 'Reads a lot', points: 15 },
          { label: 'Onboarding', points: 10 },
        ],
      },
      {
        personaId: 'buyer',
        name: 'buyer',
        kind: 'buyer',
        priority: 0,
        threshold: 40,
        score: 0,
        qualifies: false,
        pointsMissing: 40,
        rules: [
          { label: 'Executive', points: 30, fired: false },
          { label: 'High ticket', points: 5, fired: false },
        ],
        notFired: [
          { label: 'Executive', points: 30 },
          { label: 'High ticket', points: 5 },
        ],
      },
    ]);
    expect(detailed.assignment.personaId).toBe('unassigned');
  });

  it('names the nearest persona for an unassigned contact with the rules that would get it there, most points first', () => {
    const detailed = compiled.explainAll(aContact({ jobtitle: 'Analyst' }), NOW);

    expect(detailed.nearest).toEqual({
      personaId: 'analyst',
      pointsMissing: 10,
      suggestions: [
        { label: 'Reads a lot', points: 15 },
        { label: 'Onboarding', points: 10 },
      ],
    });
  });

  it('gives no nearest persona once the contact is assigned', () => {
    const detailed = compiled.explainAll(aContact({ jobtitle: 'Analyst', hs_analytics_num_page_views: '50' }), NOW);

    expect(detailed.assignment.personaId).toBe('analyst');
    expect(detailed.nearest).toBeNull();
  });

  it('never suggests a negative persona as the nearest one', () => {
    const withNegative = compileRuleSet(
      aRuleSet([
        aPersona({ id: 'spam', kind: 'negative', threshold: 10, rules: [aRule({ property: 'jobtitle', exists: true }, 9)] }),
        aPersona({ id: 'real', threshold: 100, rules: [aRule({ property: 'jobtitle', exists: true }, 1)] }),
      ]),
    );

    expect(withNegative.explainAll(aContact({ jobtitle: 'x' }), NOW).nearest?.personaId).toBe('real');
  });

  it('gives the same explanation from assign and explainAll', () => {
    const contact = aContact({ jobtitle: 'Analyst', hs_analytics_num_page_views: '50' }, [{ hs_ticket_priority: 'HIGH' }]);

    expect(compiled.explainAll(contact, NOW).assignment).toEqual(compiled.assign(contact, NOW));
  });

  it('does not mutate the contact it evaluates', () => {
    const contact = aContact({ jobtitle: ' Analyst ' }, [{ createdate: daysAgo(2), hs_ticket_category: 'ONBOARDING' }]);
    const copy = JSON.parse(JSON.stringify(contact));

    compiled.assign(contact, NOW);

    expect(contact).toEqual(copy);
  });
});

describe('conditions shared between rules', () => {
  const shared = {
    any: [
      { property: 'jobtitle', matches: 'analyst' },
      { property: 'industry', eq: 'RETAIL' },
    ],
  } as const;
  const compiled = compileRuleSet(
    aRuleSet([
      aPersona({ id: 'one', threshold: 10, rules: [aRule(shared, 10, 'shared')] }),
      aPersona({
        id: 'two',
        threshold: 20,
        rules: [
          aRule(shared, 10, 'shared'),
          aRule({ not: shared }, -5, 'not shared'),
          aRule({ property: 'industry', eq: 'RETAIL' }, 10, 'retail'),
        ],
      }),
    ]),
  );

  it('gives every rule the result for the contact being evaluated, not the previous one', () => {
    const retail = compiled.explainAll(aContact({ industry: 'retail' }), NOW);
    const nothing = compiled.explainAll(aContact({ industry: 'EDUCATION' }), NOW);
    const analyst = compiled.explainAll(aContact({ jobtitle: 'Analyst' }), NOW);

    expect(retail.personas.map((p) => p.score)).toEqual([10, 20]);
    expect(nothing.personas.map((p) => p.score)).toEqual([0, -5]);
    expect(analyst.personas.map((p) => p.score)).toEqual([10, 10]);
  });
});

describe('property names that are also JavaScript object members', () => {
  it('treats an absent "constructor" or "toString" property as empty', () => {
    const compiled = compileRuleSet(
      aRuleSet([
        aPersona({
          id: 'odd',
          threshold: 1,
          rules: [
            aRule(
              {
                any: [
                  { property: 'constructor', exists: true },
                  { property: 'toString', contains: 'function' },
                ],
              },
              1,
            ),
          ],
        }),
      ]),
    );

    expect(compiled.assign(aContact({}), NOW).assigned).toBe(false);
    expect(compiled.assign(aContact({ constructor: 'yes' }), NOW).assigned).toBe(true);
  });
});
