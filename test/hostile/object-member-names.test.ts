import fc from 'fast-check';
import type { ContactWithTickets, PropertyBag } from '../../src/crm/model';
import { compileRuleSet, validateRuleSet, type Condition, type RuleSet } from '../../src/personas/engine';
import { fixedClock } from '../../src/platform/clock';
import { sampleRatioMismatch } from '../../src/insights/pilot-statistics';
import { RuleSetAdminService } from '../../src/personas/rule-set-admin-service';
import { RuleSetService } from '../../src/personas/rule-set-service';
import { createStores } from '../../src/storage/stores';
import { openSqliteForTest } from '../support/databases';
import { aPersona, aRule, aRuleSet } from '../support/rule-set-builders';

/**
 * Names that are also members of every JavaScript object. Persona ids and property names must
 * follow `[a-z][a-z0-9_]*`, so `constructor` is the one that can be an id; display names and the
 * keys of a contact's stored properties (parsed from JSON) can be any of them.
 */
const MEMBER_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty'] as const;
const NOW = Date.parse('2026-06-15T12:00:00Z');

/** `constructor` renamed to an ordinary name, everywhere an id or a property name can hold it. */
const SAFE = 'ordinary_name';
const rename = (name: string) => (name === 'constructor' ? SAFE : name);

const values = ['Analyst', 'vp', 'x', '10', ' ', 'constructor', '__proto__'];
const property = fc.constantFrom('constructor', 'jobtitle');
const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ property, eq: fc.constantFrom(...values, 10) }),
  fc.record({ property, contains: fc.constantFrom('a', 'x', 'proto') }),
  fc.record({ property, matches: fc.constantFrom('^a', 'o$', 'constructor|vp') }),
  fc.record({ property, in: fc.subarray(values) }),
  fc.record({ property, exists: fc.boolean() }),
);
const condition: fc.Arbitrary<Condition> = fc.oneof(
  leaf,
  fc.record({ all: fc.array(leaf, { maxLength: 2 }) }),
  fc.record({ any: fc.array(leaf, { maxLength: 2 }) }),
  fc.record({ not: leaf }),
);

const ruleSetArbitrary: fc.Arbitrary<RuleSet> = fc
  .record({
    ids: fc.shuffledSubarray(['constructor', 'alpha', 'beta'], { minLength: 1 }),
    names: fc.array(fc.constantFrom(...MEMBER_NAMES), { minLength: 3, maxLength: 3 }),
    unassigned: fc.constantFrom('unassigned', 'constructor'),
    rules: fc.array(fc.array(fc.record({ when: condition, points: fc.integer({ min: -10, max: 30 }) }), { minLength: 1, maxLength: 3 }), {
      minLength: 3,
      maxLength: 3,
    }),
    kinds: fc.array(fc.constantFrom('customer' as const, 'buyer' as const, 'negative' as const), { minLength: 3, maxLength: 3 }),
  })
  .filter(({ ids, unassigned }) => !ids.includes(unassigned))
  .map(({ ids, names, unassigned, rules, kinds }) =>
    aRuleSet(
      ids.map((id, i) =>
        aPersona({
          id,
          name: names[i],
          kind: kinds[i],
          threshold: 10,
          rules: rules[i].map((r, j) => aRule(r.when, r.points, `rule ${j}`)),
        }),
      ),
      { unassigned: { id: unassigned, label: 'No persona yet' } },
    ),
  );

/** Property bags as they come out of storage: JSON.parse makes `__proto__` an own key. */
const contactArbitrary: fc.Arbitrary<ContactWithTickets> = fc
  .dictionary(fc.constantFrom(...MEMBER_NAMES, 'jobtitle'), fc.constantFrom(...values), { maxKeys: 5 })
  .map((bag) => ({ properties: JSON.parse(JSON.stringify(bag)) as PropertyBag, tickets: [] }));

function renamedRuleSet(ruleSet: RuleSet): RuleSet {
  const json = JSON.stringify(ruleSet, (key, value: unknown) =>
    (key === 'id' || key === 'property') && typeof value === 'string' ? rename(value) : value,
  );
  return JSON.parse(json) as RuleSet;
}

function renamedContact(contact: ContactWithTickets): ContactWithTickets {
  const properties = Object.create(null) as Record<string, string | null | undefined>;
  for (const [key, value] of Object.entries(contact.properties)) properties[rename(key)] = value;
  return { properties, tickets: [] };
}

describe('hostile input: ids and property names that are JavaScript object members', () => {
  it('generates valid rule sets that use them, so the properties below test real inputs', () => {
    fc.assert(
      fc.property(ruleSetArbitrary, (ruleSet) => validateRuleSet(ruleSet).ok),
      { numRuns: 100 },
    );
  });

  it('assigns exactly as it would if every such name were an ordinary one', () => {
    fc.assert(
      fc.property(ruleSetArbitrary, fc.array(contactArbitrary, { minLength: 1, maxLength: 5 }), (ruleSet, contacts) => {
        const engine = compileRuleSet(ruleSet);
        const ordinary = compileRuleSet(renamedRuleSet(ruleSet));
        for (const contact of contacts) {
          const got = engine.explainAll(contact, NOW);
          const expected = ordinary.explainAll(renamedContact(contact), NOW);
          expect(rename(got.assignment.personaId)).toBe(expected.assignment.personaId);
          expect(got.assignment.score).toBe(expected.assignment.score);
          expect(got.assignment.secondary.map(rename)).toEqual(expected.assignment.secondary);
          expect(got.personas.map((p) => [rename(p.personaId), p.score])).toEqual(expected.personas.map((p) => [p.personaId, p.score]));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('counts a preview per persona id with plain numbers, whatever the ids are called', async () => {
    await fc.assert(
      fc.asyncProperty(
        ruleSetArbitrary,
        ruleSetArbitrary,
        fc.array(contactArbitrary, { minLength: 1, maxLength: 6 }),
        async (live, draft, contacts) => {
          const storage = await openSqliteForTest();
          try {
            const stores = createStores(storage);
            const clock = fixedClock(NOW);
            await stores.crm.upsertContacts(
              1,
              contacts.map((c, i) => ({ id: String(i + 1), email: null, properties: c.properties, hsUpdatedAt: NOW, archived: false })),
              NOW,
            );
            const rules = new RuleSetService({ ruleSets: stores.ruleSets, clock, defaultRuleSet: () => live });
            const admin = new RuleSetAdminService({
              ruleSets: stores.ruleSets,
              crm: stores.crm,
              audit: stores.audit,
              clock,
              batchSize: 4,
              rules: {
                liveOrDefault: (p) => rules.liveOrDefault(p),
                defaultRuleSet: () => rules.defaultRuleSet(),
                invalidate: (p) => rules.invalidate(p),
              },
              syncPropertyOptions: async () => {},
              rescore: async () => {},
            });

            // As the admin page receives it: JSON, where an inherited member would show through.
            const preview = JSON.parse(JSON.stringify(await admin.preview(1, draft))) as {
              before: Record<string, unknown>;
              after: Record<string, unknown>;
            };
            const expectedAfter = new Map<string, number>();
            const compiledDraft = compileRuleSet(draft);
            for (const c of contacts) {
              const id = compiledDraft.assign(asStored(c), NOW).personaId;
              expectedAfter.set(id, (expectedAfter.get(id) ?? 0) + 1);
            }
            for (const id of [draft.unassigned.id, ...draft.personas.map((p) => p.id)]) {
              expect(preview.after[id]).toBe(expectedAfter.get(id) ?? 0);
            }
            for (const counts of [preview.before, preview.after]) {
              expect(Object.values(counts).every((n) => Number.isInteger(n))).toBe(true);
              expect(Object.values(counts).reduce((a: number, n) => a + (n as number), 0)).toBe(contacts.length);
            }

            await stores.assignments.saveComputed(
              1,
              contacts.map((_, i) => ({
                contactId: String(i + 1),
                personaId: draft.personas[i % draft.personas.length].id,
                score: 1,
                secondary: [],
                journeyStage: 'awareness',
                explanation: {},
                ruleSetVersion: 1,
                needsWrite: false,
              })),
              'test',
              NOW,
            );
            const distribution = await stores.assignments.distribution(1);
            for (const persona of draft.personas) {
              const n = distribution[persona.id] ?? 0;
              expect(Number.isInteger(n)).toBe(true);
            }
          } finally {
            await storage.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

/** Contacts as stored and read back: own keys only, exactly as JSON holds them. */
function asStored(contact: ContactWithTickets): ContactWithTickets {
  return { properties: JSON.parse(JSON.stringify(contact.properties)) as PropertyBag, tickets: [] };
}

describe('hostile input: pilot variants named like object members', () => {
  it('weighs a variant missing from the planned split as 0, even when it is called constructor', () => {
    const observed = JSON.parse('{"constructor": 50, "control": 50}') as Record<string, number>;
    const check = sampleRatioMismatch(observed, { control: 1 });
    expect(check.expected.constructor).toBe(0);
    expect(check.expected.control).toBe(100);
    expect(check.chiSquare).toBe(Infinity);
  });

  it('keeps an expected count for a variant called __proto__', () => {
    const observed = JSON.parse('{"__proto__": 10, "toString": 10}') as Record<string, number>;
    const check = sampleRatioMismatch(observed, undefined);
    expect(Object.entries(check.expected)).toEqual([
      ['__proto__', 10],
      ['toString', 10],
    ]);
    expect(check.mismatch).toBe(false);
  });
});
