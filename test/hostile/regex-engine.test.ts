import { compileRuleSet } from '../../src/personas/engine/compile-rule-set';
import { MAX_PATTERN_INSTRUCTIONS } from '../../src/personas/engine/re2-pattern';
import { validateRuleSet } from '../../src/personas/engine/validate-rule-set';
import { openSqliteForTest } from '../support/databases';
import { startHostileApp } from './support/hostile-app';
import { healthzDuringPathologicalPreview } from './support/pathological-preview';
import { aContact, aPersona, aRule, aRuleSet, aSingleConditionRuleSet } from '../support/rule-set-builders';

const NOW = Date.parse('2026-06-15T12:00:00Z');
const PATH = 'personas[0].rules[0].when.matches';

/** CPU time (ms) this process spends in `work`: unlike wall time, other processes on the machine do not inflate it. */
function cpuMsOf(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const spent = process.cpuUsage(before);
  return (spent.user + spent.system) / 1000;
}

describe('hostile input: regular expressions in rules run in linear time (RE2)', () => {
  it('accepts the catastrophic-backtracking pattern (a+)+$ and evaluates a 100,000-character value without stalling', () => {
    const ruleSet = aSingleConditionRuleSet({ property: 'jobtitle', matches: '(a+)+$' });
    expect(validateRuleSet(ruleSet)).toMatchObject({ ok: true });
    const compiled = compileRuleSet(ruleSet);
    // 30 characters were enough to block a backtracking engine for about 25 s.
    const hostile = aContact({ jobtitle: `${'a'.repeat(100_000)}!` });
    const matching = aContact({ jobtitle: 'a'.repeat(100_000) });

    let hostileResult = '';
    let matchingResult = '';
    const cpuMs = cpuMsOf(() => {
      hostileResult = compiled.assign(hostile, NOW).personaId;
      matchingResult = compiled.assign(matching, NOW).personaId;
    });

    expect(hostileResult).toBe('unassigned');
    expect(matchingResult).toBe('probe');
    // A backtracking engine needs seconds for 30 characters and never finishes 100,000; the bound is
    // wide because CI's two cores are shared (the 100 ms figure is the benchmark's: npm run bench -- hostile).
    expect(cpuMs).toBeLessThan(1_000);
  });

  it('keeps the matching semantics: case-insensitive, anywhere in the trimmed value, anchors honoured', () => {
    const compiled = compileRuleSet(aSingleConditionRuleSet({ property: 'jobtitle', matches: '^(vp|head)\\b' }));
    expect(compiled.assign(aContact({ jobtitle: '  VP of Operations' }), NOW).personaId).toBe('probe');
    expect(compiled.assign(aContact({ jobtitle: 'Head of Sales' }), NOW).personaId).toBe('probe');
    expect(compiled.assign(aContact({ jobtitle: 'SVP' }), NOW).personaId).toBe('unassigned');
    expect(compiled.assign(aContact({ jobtitle: 'Vpn admin' }), NOW).personaId).toBe('unassigned');
  });

  it.each([
    ['a backreference', '(a)\\1', 'invalid escape sequence'],
    ['a lookahead', 'vp(?=\\s)', 'RE2 syntax'],
    ['a negative lookahead', '^(?!student)', 'RE2 syntax'],
    ['a lookbehind', '(?<=@)gmail', 'RE2 syntax'],
    ['a possessive quantifier', 'a++', 'RE2 syntax'],
    ['a repetition over RE2 limit', 'a{1001}', 'RE2 syntax'],
  ])('refuses %s at its JSON path, naming RE2', (_name, pattern, message) => {
    const result = validateRuleSet(aSingleConditionRuleSet({ property: 'jobtitle', matches: pattern }));
    expect(result).toEqual({ ok: false, errors: [{ path: PATH, message: expect.stringContaining(message) }] });
  });

  it('refuses a pattern whose program is too large to bound one evaluation, and accepts one at the ceiling', () => {
    const tooLarge = validateRuleSet(aSingleConditionRuleSet({ property: 'jobtitle', matches: `a[ab]{${MAX_PATTERN_INSTRUCTIONS}}c` }));
    expect(tooLarge).toEqual({ ok: false, errors: [{ path: PATH, message: expect.stringContaining('too complex') }] });
    const words = Array.from({ length: 40 }, (_, i) => `title${i}`).join('|');
    expect(validateRuleSet(aSingleConditionRuleSet({ property: 'jobtitle', matches: `\\b(${words})\\b` }))).toMatchObject({ ok: true });
  });

  it('reports every bad pattern of a rule set at once, each at its own path', () => {
    const ruleSet = aRuleSet([
      aPersona({ id: 'one', rules: [aRule({ property: 'jobtitle', matches: 'ok' }), aRule({ property: 'email', matches: '(x)\\1' })] }),
      aPersona({ id: 'two', rules: [aRule({ any: [{ property: 'jobtitle', matches: '(?!a)' }] })] }),
    ]);
    const result = validateRuleSet(ruleSet);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual([
      'personas[0].rules[1].when.matches',
      'personas[1].rules[0].when.any[0].matches',
    ]);
  });
});

describe('hostile input: the service keeps answering while a pathological pattern is evaluated', () => {
  it('answers /healthz throughout previews that score 100,000-character values with (a+)+$', async () => {
    const storage = await openSqliteForTest();
    const app = await startHostileApp(storage);
    try {
      const { healthzMs, previewMs } = await healthzDuringPathologicalPreview(app, 3);
      expect(previewMs).toHaveLength(3);
      expect(healthzMs.length).toBeGreaterThan(0);
      // A backtracking engine never finishes one of these evaluations. The 100 ms target is
      // measured by `npm run bench -- hostile`; here only a margin no noisy machine reaches.
      expect(Math.max(...healthzMs)).toBeLessThan(2_000);
      expect(app.takeErrors()).toEqual([]);
    } finally {
      await app.harness.close();
      await storage.close();
    }
  }, 120_000);
});
