import { formatJsonPath, formatRuleSetErrors, validateRuleSet } from '../../../src/personas/engine/validate-rule-set';
import { aPersona, aRule, aRuleSet } from '../../support/rule-set-builders';

/** Conditions that the type system would refuse, as an admin could still send them. */
const raw = (value: unknown) => value as never;

function errorsOf(input: unknown) {
  const result = validateRuleSet(input);
  if (result.ok) throw new Error('expected the rule set to be rejected');
  return result.errors;
}

describe('validateRuleSet', () => {
  it('accepts a minimal rule set and fills in defaults', () => {
    const input = {
      version: 1,
      property: { name: 'persona', label: 'Persona', groupName: 'personas' },
      unassigned: { id: 'unassigned', label: 'No persona yet' },
      personas: [
        {
          id: 'p',
          name: 'P',
          kind: 'buyer',
          threshold: 1,
          profile: aPersona({ id: 'x' }).profile,
          rules: [{ label: 'r', points: 1, when: { property: 'jobtitle', exists: true } }],
        },
      ],
    };

    const result = validateRuleSet(input);

    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.ruleSet.personas[0].priority).toBe(0);
      expect(result.ruleSet.journey.opportunity).toBe('decision');
    }
  });

  it('reports every problem at once with its JSON path', () => {
    const input = aRuleSet(
      [
        aPersona({ id: 'ok_one', rules: [aRule(raw({ property: 'jobtitle', matches: 'analyst(' }))] }),
        aPersona({ id: 'Bad-Id', threshold: Number.POSITIVE_INFINITY, rules: [aRule(raw({ property: 'x', equals: 1 }), Number.NaN)] }),
        aPersona({
          id: 'ok_one',
          rules: [
            aRule(raw({ property: 'x', gte: 1, lte: 5 })),
            aRule(raw({ tickets: { count: {} } })),
            aRule(raw({ tickets: { count: { gte: 1, lt: 3 }, withinDays: -1, where: { property: 'p', in: 'a' } } })),
          ],
        }),
        aPersona({ id: 'unassigned', rules: [aRule(raw({ all: [{ property: 'a', gt: '5' }, { not: { anyx: [] } }] }))] }),
      ],
      { unassigned: { id: 'unassigned', label: 'No persona yet' } },
    );

    expect(errorsOf(input).map((error) => error.path)).toEqual([
      'personas[0].rules[0].when.matches',
      'personas[1].id',
      'personas[1].threshold',
      'personas[1].rules[0].points',
      'personas[1].rules[0].when.equals',
      'personas[2].rules[0].when',
      'personas[2].rules[1].when.tickets.count',
      'personas[2].rules[2].when.tickets.where.in',
      'personas[2].rules[2].when.tickets.withinDays',
      'personas[2].rules[2].when.tickets.count',
      'personas[3].rules[0].when.all[0].gt',
      'personas[3].rules[0].when.all[1].not',
      'personas[2].id',
      'unassigned.id',
    ]);
  });

  it.each([
    ['an unknown operator', { property: 'jobtitle', like: 'x' }, 'when.like', 'unknown operator "like"'],
    ['two operators in one condition', { property: 'n', gt: 1, lt: 5 }, 'when', 'exactly one operator, found 2: gt, lt'],
    ['no operator', { property: 'n' }, 'when', 'needs exactly one operator'],
    ['a missing property name', { eq: 'x' }, 'when', 'needs one of all, any, not, property, tickets, surveys or company; found "eq"'],
    ['an empty property name', { property: ' ', eq: 'x' }, 'when.property', 'non-empty property name'],
    ['two condition forms', { all: [], any: [] }, 'when', 'exactly one of all, any, not, property, tickets, surveys or company'],
    ['a key beside a combinator', { not: { property: 'a', exists: true }, label: 'x' }, 'when.label', 'unexpected key beside "not"'],
    ['all that is not an array', { all: { property: 'a', exists: true } }, 'when.all', 'expected an array of conditions'],
    ['a condition that is not an object', { any: ['jobtitle'] }, 'when.any[0]', 'expected a condition object'],
    ['an invalid regular expression', { property: 'a', matches: '[' }, 'when.matches', 'not a regular expression in RE2 syntax'],
    ['a backreference, which RE2 does not have', { property: 'a', matches: '(a)\\1' }, 'when.matches', 'invalid escape sequence'],
    ['a lookahead, which RE2 does not have', { property: 'a', matches: 'vp(?=\\s)' }, 'when.matches', 'RE2 syntax'],
    ['a regular expression that is not a string', { property: 'a', matches: 5 }, 'when.matches', 'expected a string'],
    ['a numeric operator with a string', { property: 'a', gte: '10' }, 'when.gte', 'expected a finite number'],
    ['eq with an object', { property: 'a', eq: { x: 1 } }, 'when.eq', 'expected a string, a finite number or a boolean'],
    ['in with a scalar', { property: 'a', in: 'x' }, 'when.in', 'expected an array'],
    ['in with a null item', { property: 'a', in: ['x', null] }, 'when.in', 'item 1'],
    ['hasAny with an object item', { property: 'a', hasAny: [{}] }, 'when.hasAny', 'item 0'],
    ['between with one bound', { property: 'a', between: [1] }, 'when.between', 'expected [low, high]'],
    ['between with low above high', { property: 'a', between: [5, 1] }, 'when.between', 'low must not be greater than high'],
    ['exists with a string', { property: 'a', exists: 'yes' }, 'when.exists', 'expected a boolean'],
    ['withinDays with a negative number', { property: 'a', withinDays: -1 }, 'when.withinDays', '0 or more'],
    ['olderThanDays with a string', { property: 'a', olderThanDays: '3' }, 'when.olderThanDays', 'finite number of days'],
    [
      'a ticket count without an operator',
      { tickets: { count: {} } },
      'when.tickets.count',
      'expected exactly one of eq, neq, gt, gte, lt, lte, between',
    ],
    ['a ticket count with two operators', { tickets: { count: { gt: 1, lt: 4 } } }, 'when.tickets.count', 'found 2: gt, lt'],
    [
      'a ticket count with an unknown operator',
      { tickets: { count: { gte: 1, atLeast: 1 } } },
      'when.tickets.count.atLeast',
      'unknown count operator',
    ],
    ['a ticket count with a string', { tickets: { count: { gte: '1' } } }, 'when.tickets.count.gte', 'expected a finite number'],
    [
      'a ticket count between reversed',
      { tickets: { count: { between: [3, 1] } } },
      'when.tickets.count.between',
      'low must not be greater',
    ],
    ['a missing ticket count', { tickets: { withinDays: 3 } }, 'when.tickets.count', 'expected an object'],
    ['an unknown ticket key', { tickets: { count: { eq: 1 }, since: 3 } }, 'when.tickets.since', 'unexpected key "since"'],
    [
      'tickets nested in a ticket where',
      { tickets: { where: { tickets: { count: { eq: 1 } } }, count: { eq: 1 } } },
      'when.tickets.where.tickets',
      'cannot be nested',
    ],
    [
      'surveys nested in a ticket where',
      { tickets: { where: { all: [{ surveys: { count: { eq: 1 } } }] }, count: { eq: 1 } } },
      'when.tickets.where.all[0].surveys',
      'cannot be nested in a tickets where',
    ],
    [
      'company nested in a surveys where',
      { surveys: { where: { not: { company: { property: 'industry', exists: true } } }, count: { eq: 1 } } },
      'when.surveys.where.not.company',
      'cannot be nested in a surveys where',
    ],
    [
      'tickets nested in a company condition',
      { company: { any: [{ property: 'industry', eq: 'RETAIL' }, { tickets: { count: { gte: 1 } } }] } },
      'when.company.any[1].tickets',
      'cannot be nested in a company condition',
    ],
    [
      'company nested in a company condition',
      { company: { company: { property: 'industry', exists: true } } },
      'when.company.company',
      'only all, any, not and property',
    ],
    [
      'a bad operator inside a company condition',
      { company: { property: 'numberofemployees', atLeast: 5 } },
      'when.company.atLeast',
      'unknown operator',
    ],
    ['a company condition that is not a condition', { company: 'Acme' }, 'when.company', 'expected a condition object'],
    ['a survey count with two operators', { surveys: { count: { gte: 1, lte: 3 } } }, 'when.surveys.count', 'found 2: gte, lte'],
    ['an unknown surveys key', { surveys: { count: { eq: 1 }, type: 'NPS' } }, 'when.surveys.type', 'unexpected key "type"'],
    ['a survey window below zero', { surveys: { withinDays: -3, count: { eq: 1 } } }, 'when.surveys.withinDays', '0 or more'],
    [
      'a bad condition in a ticket where',
      { tickets: { where: { property: 'hs_ticket_priority', oneOf: ['HIGH'] }, count: { eq: 1 } } },
      'when.tickets.where.oneOf',
      'unknown operator',
    ],
  ])('rejects %s at its path', (_what, when, path, message) => {
    const errors = errorsOf(aRuleSet([aPersona({ id: 'p', rules: [aRule(raw(when))] })]));

    expect(errors).toEqual([{ path: `personas[0].rules[0].${path}`, message: expect.stringContaining(message) }]);
  });

  it('refuses committee on a negative persona at its path, and accepts it elsewhere', () => {
    const errors = errorsOf(
      aRuleSet([aPersona({ id: 'buyer', committee: true }), aPersona({ id: 'spam', kind: 'negative', committee: true })]),
    );

    expect(errors).toEqual([{ path: 'personas[1].committee', message: 'a negative persona cannot be part of the buying committee' }]);
    expect(
      validateRuleSet(
        aRuleSet([aPersona({ id: 'buyer', kind: 'buyer', committee: true }), aPersona({ id: 'spam', kind: 'negative', committee: false })]),
      ).ok,
    ).toBe(true);
  });

  it.each([
    ['an upper-case id', 'Analyst'],
    ['an id starting with a digit', '1st'],
    ['an id with a dash', 'data-analyst'],
    ['an empty id', ''],
    ['an id of 65 characters', `a${'b'.repeat(64)}`],
  ])('rejects %s', (_what, id) => {
    expect(errorsOf(aRuleSet([aPersona({ id, name: 'Named' })]))).toEqual([
      { path: 'personas[0].id', message: 'must match [a-z][a-z0-9_]{0,63}' },
    ]);
  });

  it('accepts an id of 64 characters', () => {
    expect(validateRuleSet(aRuleSet([aPersona({ id: `a${'b'.repeat(63)}` })])).ok).toBe(true);
  });

  it('rejects duplicate persona ids, naming the first occurrence', () => {
    const errors = errorsOf(aRuleSet([aPersona({ id: 'a' }), aPersona({ id: 'b' }), aPersona({ id: 'a' })]));

    expect(errors).toEqual([{ path: 'personas[2].id', message: 'duplicate persona id "a" (also personas[0])' }]);
  });

  it('rejects an unassigned id that is also a persona id', () => {
    const errors = errorsOf(aRuleSet([aPersona({ id: 'nobody' })], { unassigned: { id: 'nobody', label: 'Nobody' } }));

    expect(errors).toEqual([{ path: 'unassigned.id', message: 'collides with the id of personas[0]' }]);
  });

  it('rejects non-finite thresholds, points and priorities', () => {
    const errors = errorsOf(
      aRuleSet([
        aPersona({
          id: 'a',
          threshold: Number.NaN,
          priority: Number.NEGATIVE_INFINITY,
          rules: [aRule({ property: 'x', exists: true }, Number.POSITIVE_INFINITY)],
        }),
      ]),
    );

    expect(errors.map((error) => error.path)).toEqual(['personas[0].priority', 'personas[0].threshold', 'personas[0].rules[0].points']);
  });

  it('rejects unknown keys, a wrong kind, a bad journey stage and a bad hypothesis', () => {
    const input = {
      ...aRuleSet([
        {
          ...aPersona({ id: 'a' }),
          kind: 'prospect',
          treshold: 3,
          hypothesis: { metric: 'open_rate', op: 'eq', value: 2 },
        } as never,
      ]),
      journey: { customer: 'loyalty' },
    };

    expect(errorsOf(input)).toEqual([
      { path: 'journey.customer', message: expect.stringContaining('awareness') },
      { path: 'personas[0].kind', message: expect.any(String) },
      { path: 'personas[0].hypothesis.metric', message: expect.stringContaining('pilot:<outcome>') },
      { path: 'personas[0].hypothesis.op', message: expect.any(String) },
      { path: 'personas[0].hypothesis.value', message: 'expected a rate between 0 and 1' },
      { path: 'personas[0].treshold', message: 'unknown key "treshold"' },
    ]);
  });

  it('accepts pilot hypotheses', () => {
    const ruleSet = aRuleSet([aPersona({ id: 'a', hypothesis: { metric: 'pilot:renewed', op: 'gte', value: 0.5 } })]);

    expect(validateRuleSet(ruleSet).ok).toBe(true);
  });

  it('reports a missing profile section with its path', () => {
    const persona = aPersona({ id: 'a' });
    const { content: _content, ...profile } = persona.profile;

    expect(errorsOf(aRuleSet([{ ...persona, profile: profile as never }]))).toEqual([
      { path: 'personas[0].profile.content', message: expect.any(String) },
    ]);
  });

  it('reports the root with an empty path', () => {
    expect(errorsOf('not a rule set')).toEqual([{ path: '', message: expect.any(String) }]);
  });

  it('rejects a rule set of another version', () => {
    expect(errorsOf({ ...aRuleSet([]), version: 2 }).map((error) => error.path)).toEqual(['version']);
  });
});

describe('formatJsonPath', () => {
  it('writes indexes in brackets and quotes keys that are not identifiers', () => {
    expect(formatJsonPath(['personas', 2, 'rules', 0, 'when', 'matches'])).toBe('personas[2].rules[0].when.matches');
    expect(formatJsonPath(['journey', 'custom stage'])).toBe('journey["custom stage"]');
    expect(formatJsonPath([])).toBe('');
  });
});

describe('formatRuleSetErrors', () => {
  it('lists one problem per line and names the root', () => {
    expect(
      formatRuleSetErrors([
        { path: '', message: 'expected an object' },
        { path: 'personas[0].id', message: 'must match [a-z][a-z0-9_]{0,63}' },
      ]),
    ).toMatchInlineSnapshot(`
"The rule set has 2 problems:
- (root): expected an object
- personas[0].id: must match [a-z][a-z0-9_]{0,63}"
`);
  });
});
