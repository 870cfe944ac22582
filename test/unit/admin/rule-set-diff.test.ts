import { diffRuleSets } from '../../../src/personas/rule-set-diff';
import { aPersona, aRule, aRuleSet } from '../../support/rule-set-builders';

const explorer = aPersona({ id: 'explorer', threshold: 20, rules: [aRule({ property: 'jobtitle', contains: 'analyst' }, 20, 'Analyst')] });
const buyer = aPersona({ id: 'buyer', kind: 'buyer', threshold: 30 });

describe('diffRuleSets', () => {
  it('reports nothing for identical rule sets', () => {
    expect(diffRuleSets(aRuleSet([explorer, buyer]), aRuleSet([explorer, buyer]))).toEqual([]);
  });

  it('names a changed leaf by persona id rather than list position', () => {
    const tuned = { ...explorer, rules: [{ ...explorer.rules[0], points: 35 }] };
    expect(diffRuleSets(aRuleSet([explorer, buyer]), aRuleSet([tuned, buyer]))).toEqual([
      { path: 'personas[explorer].rules[0].points', kind: 'changed', before: 20, after: 35 },
    ]);
  });

  it('reports added and removed personas whole, and a reorder as one change', () => {
    const newcomer = aPersona({ id: 'newcomer' });
    const changes = diffRuleSets(aRuleSet([explorer, buyer]), aRuleSet([newcomer, buyer]));
    expect(changes).toEqual([
      { path: 'personas[explorer]', kind: 'removed', before: explorer },
      { path: 'personas[newcomer]', kind: 'added', after: newcomer },
    ]);
    expect(diffRuleSets(aRuleSet([explorer, buyer]), aRuleSet([buyer, explorer]))).toEqual([
      { path: 'personas#order', kind: 'changed', before: ['explorer', 'buyer'], after: ['buyer', 'explorer'] },
    ]);
  });

  it('compares lists without ids by position and keys that are not identifiers in brackets', () => {
    expect(diffRuleSets({ a: [1, 2, 3], 'odd key': 1 }, { a: [1, 5], 'odd key': 2 })).toEqual([
      { path: 'a[1]', kind: 'changed', before: 2, after: 5 },
      { path: 'a[2]', kind: 'removed', before: 3 },
      { path: '["odd key"]', kind: 'changed', before: 1, after: 2 },
    ]);
  });

  it('treats a type change as a change of the whole value', () => {
    expect(diffRuleSets({ when: { property: 'x', eq: 1 } }, { when: [1] })).toEqual([
      { path: 'when', kind: 'changed', before: { property: 'x', eq: 1 }, after: [1] },
    ]);
  });
});
