import fc from 'fast-check';
import { compileRuleSet } from '../../../src/personas/engine/compile-rule-set';
import type { RuleSet } from '../../../src/personas/engine/rule-set-schema';
import { validateRuleSet } from '../../../src/personas/engine/validate-rule-set';
import { contactArbitrary, NOW, ruleSetArbitrary } from '../../support/personas-arbitraries';
import { referenceScores } from '../../support/personas-reference';
import { aPersona } from '../../support/rule-set-builders';

const runs = { numRuns: 300 };

describe('engine invariants', () => {
  it('generated rule sets are valid, so the properties below test real inputs', () => {
    fc.assert(
      fc.property(ruleSetArbitrary, (ruleSet) => validateRuleSet(ruleSet).ok),
      runs,
    );
  });

  it('gives the same assignment for the same input, whatever was evaluated before', () => {
    fc.assert(
      fc.property(ruleSetArbitrary, contactArbitrary, contactArbitrary, (ruleSet, contact, other) => {
        const reused = compileRuleSet(ruleSet);
        const first = reused.assign(contact, NOW);
        reused.assign(other, NOW);
        expect(reused.assign(contact, NOW)).toEqual(first);
        expect(compileRuleSet(ruleSet).assign(contact, NOW)).toEqual(first);
      }),
      runs,
    );
  });

  it('scores every persona exactly as a naive reading of the spec does', () => {
    fc.assert(
      fc.property(ruleSetArbitrary, contactArbitrary, (ruleSet, contact) => {
        const detailed = compileRuleSet(ruleSet).explainAll(contact, NOW);
        const expected = referenceScores(ruleSet, contact, NOW);
        for (const persona of detailed.personas) expect(persona.score).toBe(expected.get(persona.personaId));
      }),
      runs,
    );
  });

  it('makes every score the sum of the points of the rules that fired', () => {
    fc.assert(
      fc.property(ruleSetArbitrary, contactArbitrary, (ruleSet, contact) => {
        const detailed = compileRuleSet(ruleSet).explainAll(contact, NOW);
        for (const persona of detailed.personas) {
          const fired = persona.rules.filter((rule) => rule.fired).reduce((sum, rule) => sum + rule.points, 0);
          expect(persona.score).toBe(fired);
          expect(persona.qualifies).toBe(persona.score >= persona.threshold);
        }
        const { assignment } = detailed;
        expect(assignment.explanation.firedRules.reduce((sum, rule) => sum + rule.points, 0)).toBe(assignment.score);
      }),
      runs,
    );
  });

  it('always lets a qualifying negative persona win', () => {
    fc.assert(
      fc.property(ruleSetArbitrary, contactArbitrary, (ruleSet, contact) => {
        const detailed = compileRuleSet(ruleSet).explainAll(contact, NOW);
        const negatives = detailed.personas.filter((persona) => persona.kind === 'negative' && persona.qualifies);
        fc.pre(negatives.length > 0);
        expect(detailed.assignment.kind).toBe('negative');
        expect(Math.max(...negatives.map((persona) => persona.score))).toBe(detailed.assignment.score);
      }),
      runs,
    );
  });

  it('lets a negative persona that always qualifies win over any rule set', () => {
    fc.assert(
      fc.property(ruleSetArbitrary, contactArbitrary, (ruleSet, contact) => {
        const filter = aPersona({ id: 'zz_filter', kind: 'negative', threshold: -1000, priority: 99 });
        const withFilter: RuleSet = { ...ruleSet, personas: [...ruleSet.personas, filter] };
        const assignment = compileRuleSet(withFilter).assign(contact, NOW);
        const negativeScores = compileRuleSet(withFilter)
          .explainAll(contact, NOW)
          .personas.filter((persona) => persona.kind === 'negative' && persona.qualifies);
        expect(assignment.kind).toBe('negative');
        expect(negativeScores.map((persona) => persona.personaId)).toContain(assignment.personaId);
      }),
      runs,
    );
  });

  it('keeps the primary persona out of the secondaries and never lists a negative persona there', () => {
    fc.assert(
      fc.property(ruleSetArbitrary, contactArbitrary, (ruleSet, contact) => {
        const detailed = compileRuleSet(ruleSet).explainAll(contact, NOW);
        const byId = new Map(detailed.personas.map((persona) => [persona.personaId, persona]));
        const { assignment } = detailed;
        expect(assignment.secondary).not.toContain(assignment.personaId);
        for (const id of assignment.secondary) {
          expect(byId.get(id)!.kind).not.toBe('negative');
          expect(byId.get(id)!.qualifies).toBe(true);
        }
        const scores = assignment.secondary.map((id) => byId.get(id)!.score);
        expect([...scores].sort((a, b) => b - a)).toEqual(scores);
        const qualifyingOthers = detailed.personas.filter(
          (persona) => persona.qualifies && persona.kind !== 'negative' && persona.personaId !== assignment.personaId,
        );
        expect(assignment.secondary).toHaveLength(qualifyingOthers.length);
      }),
      runs,
    );
  });

  it('changes nothing but the id when a persona is renamed', () => {
    fc.assert(
      fc.property(ruleSetArbitrary, contactArbitrary, fc.nat(), (ruleSet, contact, pick) => {
        const index = pick % ruleSet.personas.length;
        const oldId = ruleSet.personas[index].id;
        const newId = 'renamed_persona';
        const renamed: RuleSet = {
          ...ruleSet,
          personas: ruleSet.personas.map((persona, i) => (i === index ? { ...persona, id: newId } : persona)),
        };
        const rename = (id: string) => (id === oldId ? newId : id);
        const before = compileRuleSet(ruleSet).assign(contact, NOW);
        const after = compileRuleSet(renamed).assign(contact, NOW);
        expect(after).toEqual({
          ...before,
          personaId: rename(before.personaId),
          secondary: before.secondary.map(rename),
          explanation: {
            ...before.explanation,
            runnerUp: before.explanation.runnerUp && {
              ...before.explanation.runnerUp,
              personaId: rename(before.explanation.runnerUp.personaId),
            },
          },
        });
      }),
      runs,
    );
  });

  it('produces assignments that survive a JSON round trip unchanged', () => {
    fc.assert(
      fc.property(ruleSetArbitrary, contactArbitrary, (ruleSet, contact) => {
        const assignment = compileRuleSet(ruleSet).assign(contact, NOW);
        expect(JSON.parse(JSON.stringify(assignment))).toEqual(assignment);
      }),
      runs,
    );
  });
});
