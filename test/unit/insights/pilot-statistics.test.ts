import { analysePilot, holmAdjust, sampleRatioMismatch, twoProportionZTest, wilsonInterval } from '../../../src/insights/pilot-statistics';
import { seededRandom } from '../../../src/insights/seeded-random';
import { simulatePilot } from './support/planted-data';

/** Inclusive bounds holding a Binomial(n, p) count with about 99.9% probability (normal approximation). */
function binomialBounds(n: number, p: number): [number, number] {
  const sd = Math.sqrt(n * p * (1 - p));
  return [Math.floor(n * p - 3.3 * sd), Math.ceil(n * p + 3.3 * sd)];
}

describe('pilot statistics', () => {
  it('gives Wilson intervals that stay inside [0, 1] and match known values', () => {
    const [low, high] = wilsonInterval(10, 100);
    expect(low).toBeCloseTo(0.0552, 4);
    expect(high).toBeCloseTo(0.1744, 4);
    const [zeroLow, zeroHigh] = wilsonInterval(0, 20);
    expect(zeroLow).toBe(0);
    expect(zeroHigh).toBeCloseTo(0.1611, 4);
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });

  it('tests two proportions with a pooled z statistic', () => {
    const test = twoProportionZTest(100, 1000, 130, 1000);
    expect(test.z).toBeCloseTo(2.1027, 3);
    expect(test.pValue).toBeCloseTo(0.0355, 3);
    expect(twoProportionZTest(0, 50, 0, 50).pValue).toBe(1);
  });

  it('adjusts p-values with Holm step-down, monotone and capped at 1', () => {
    expect(holmAdjust([0.01, 0.04, 0.03, 0.005])).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]);
  });

  it('flags a sample ratio mismatch against the planned split, and accepts the plan', () => {
    expect(sampleRatioMismatch({ a: 5000, b: 5400 }, undefined).mismatch).toBe(true);
    expect(sampleRatioMismatch({ a: 5000, b: 5050 }, undefined).mismatch).toBe(false);
    const planned = sampleRatioMismatch({ a: 7000, b: 3050 }, { a: 0.7, b: 0.3 });
    expect(planned.mismatch).toBe(false);
    expect(planned.expected.a).toBeCloseTo(7035, 6);
  });

  it('detects a planted lift for one persona and none for a persona without lift', () => {
    const random = seededRandom(11);
    const exposures = simulatePilot(random, 1500, {
      analyst: { control: 0.1, tailored: 0.15 },
      developer: { control: 0.1, tailored: 0.1 },
    });
    const analysis = analysePilot(exposures, { minSamplePerArm: 200 });
    const analyst = analysis.comparisons.find((c) => c.personaId === 'analyst')!;
    const developer = analysis.comparisons.find((c) => c.personaId === 'developer')!;
    expect(analysis.control).toBe('control');
    expect(analyst.significant).toBe(true);
    expect(analyst.difference).toBeGreaterThan(0.02);
    expect(analyst.adjustedPValue).toBeGreaterThanOrEqual(analyst.pValue!);
    expect(developer.significant).toBe(false);
    expect(analysis.correction.family).toBe(2);
  });

  it('rejects at about the nominal 5% rate over many pilots with no lift', () => {
    const random = seededRandom(2024);
    const pilots = 400;
    let rejections = 0;
    for (let i = 0; i < pilots; i++) {
      const analysis = analysePilot(simulatePilot(random, 400, { everyone: { control: 0.2, variant_b: 0.2 } }), { minSamplePerArm: 100 });
      if (analysis.comparisons[0].significant) rejections++;
    }
    const [low, high] = binomialBounds(pilots, 0.05);
    expect(rejections).toBeGreaterThanOrEqual(low);
    expect(rejections).toBeLessThanOrEqual(high);
  });

  it('keeps the chance of any false claim near 5% across all persona x variant comparisons', () => {
    const random = seededRandom(77);
    const pilots = 400;
    let anyRejection = 0;
    let uncorrectedAny = 0;
    for (let i = 0; i < pilots; i++) {
      const rates = { control: 0.1, b: 0.1, c: 0.1 };
      const analysis = analysePilot(simulatePilot(random, 300, { p1: rates, p2: rates, p3: rates }), { minSamplePerArm: 100 });
      expect(analysis.correction.family).toBe(6);
      if (analysis.comparisons.some((c) => c.significant)) anyRejection++;
      if (analysis.comparisons.some((c) => c.pValue !== null && c.pValue < 0.05)) uncorrectedAny++;
    }
    expect(anyRejection).toBeLessThanOrEqual(binomialBounds(pilots, 0.05)[1]);
    // Without the correction six looks at the data would claim something far more often.
    expect(uncorrectedAny).toBeGreaterThan(binomialBounds(pilots, 0.05)[1]);
  });

  it('does not test arms below the minimum sample, and leaves them out of the correction', () => {
    const random = seededRandom(5);
    const exposures = simulatePilot(random, 40, { tiny: { control: 0.1, b: 0.9 } });
    const analysis = analysePilot(exposures, { minSamplePerArm: 100 });
    expect(analysis.comparisons[0].status).toBe('insufficient-sample');
    expect(analysis.comparisons[0].significant).toBe(false);
    expect(analysis.correction.family).toBe(0);
  });

  it('uses the named control variant and reports outcomes nobody reached', () => {
    const exposures = [
      { contactId: '1', personaId: 'p', variant: 'alpha', outcomes: new Set(['opened']) },
      { contactId: '2', personaId: 'p', variant: 'beta', outcomes: new Set<string>() },
    ];
    const analysis = analysePilot(exposures, { control: 'BETA', outcomes: ['converted'] });
    expect(analysis.control).toBe('beta');
    expect(analysis.outcomes).toEqual(['converted', 'opened']);
    expect(analysis.arms.find((a) => a.variant === 'alpha' && a.outcome === 'converted')!.successes).toBe(0);
  });
});
