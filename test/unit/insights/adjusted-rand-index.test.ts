import { adjustedRandIndex } from '../../../src/insights/adjusted-rand-index';
import { seededRandom } from '../../../src/insights/seeded-random';

describe('adjustedRandIndex', () => {
  it('is 1 for the same partition under other names', () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2, 2], ['b', 'b', 'a', 'a', 'c', 'c'])).toBeCloseTo(1, 12);
  });

  it('matches the textbook value for a partly agreeing pair', () => {
    // Hubert & Arabie's measure as computed by scikit-learn's adjusted_rand_score on this pair.
    expect(adjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])).toBeCloseTo(0.24242424, 6);
  });

  it('is near 0 for unrelated random labelings', () => {
    const random = seededRandom(3);
    const a = Array.from({ length: 5000 }, () => Math.floor(random() * 5));
    const b = Array.from({ length: 5000 }, () => Math.floor(random() * 5));
    expect(Math.abs(adjustedRandIndex(a, b))).toBeLessThan(0.01);
  });

  it('refuses labelings of different lengths', () => {
    expect(() => adjustedRandIndex([0, 1], [0])).toThrow(/same length/);
  });
});
