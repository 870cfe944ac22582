import { chiSquareSurvival, normalCdf, normalQuantile, twoSidedNormalPValue } from '../../../src/insights/statistical-distributions';

describe('statistical distributions', () => {
  it('gives the standard normal CDF to many decimals, where a lookup table would round', () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
    expect(normalCdf(1.955)).toBeCloseTo(0.9747085, 6);
    expect(normalCdf(-3)).toBeCloseTo(0.0013499, 6);
  });

  it('keeps tiny two-sided p-values instead of saturating', () => {
    expect(twoSidedNormalPValue(5)).toBeGreaterThan(5e-7);
    expect(twoSidedNormalPValue(5)).toBeLessThan(6e-7);
    expect(twoSidedNormalPValue(0)).toBeCloseTo(1, 6);
  });

  it('inverts the normal CDF', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    for (const p of [0.001, 0.02, 0.3, 0.5, 0.77, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 7);
  });

  it('computes chi-square tail probabilities for small and large degrees of freedom', () => {
    expect(chiSquareSurvival(3.841459, 1)).toBeCloseTo(0.05, 5);
    expect(chiSquareSurvival(5.991465, 2)).toBeCloseTo(0.05, 5);
    expect(chiSquareSurvival(10.828, 1)).toBeCloseTo(0.001, 5);
    expect(chiSquareSurvival(18.307, 10)).toBeCloseTo(0.05, 4);
    expect(chiSquareSurvival(0, 3)).toBe(1);
  });
});
