import { kMeans } from '../../../src/insights/k-means';
import { normalDraw, seededRandom } from '../../../src/insights/seeded-random';
import { meanSilhouette, pairwiseDistances } from '../../../src/insights/silhouette';

function blobs(seed: number, centres: number[][], perBlob: number, spread: number) {
  const random = seededRandom(seed);
  const d = centres[0].length;
  const values = new Float64Array(centres.length * perBlob * d);
  const truth: number[] = [];
  centres.forEach((centre, c) => {
    for (let i = 0; i < perBlob; i++) {
      const row = c * perBlob + i;
      for (let j = 0; j < d; j++) values[row * d + j] = centre[j] + spread * normalDraw(random);
      truth.push(c);
    }
  });
  return { points: { n: truth.length, d, values }, truth };
}

describe('k-means and silhouette', () => {
  it('separates well-apart blobs exactly', () => {
    const { points, truth } = blobs(
      1,
      [
        [0, 0],
        [10, 0],
        [0, 10],
      ],
      100,
      1,
    );
    const result = kMeans(points, { k: 3, random: seededRandom(2) });
    const mapping = new Map<number, number>();
    truth.forEach((t, i) => mapping.set(result.labels[i], t));
    expect(mapping.size).toBe(3);
    expect(truth.every((t, i) => mapping.get(result.labels[i]) === t)).toBe(true);
  });

  it('keeps k clusters when there are duplicate points', () => {
    const values = new Float64Array([0, 0, 0, 0, 0, 0, 5, 5]);
    const result = kMeans({ n: 4, d: 2, values }, { k: 3, random: seededRandom(1) });
    expect(new Set(result.labels).size).toBeLessThanOrEqual(3);
    expect(result.labels[3]).not.toBe(result.labels[0]);
  });

  it('scores the true k highest by silhouette', () => {
    const { points } = blobs(
      7,
      [
        [0, 0],
        [8, 0],
        [0, 8],
        [8, 8],
      ],
      60,
      1,
    );
    const distances = pairwiseDistances(points);
    const scores = [2, 3, 4, 5, 6].map((k) => meanSilhouette(distances, kMeans(points, { k, random: seededRandom(k) }).labels, k));
    expect(scores.indexOf(Math.max(...scores))).toBe(2);
    expect(Math.max(...scores)).toBeGreaterThan(0.6);
  });
});
