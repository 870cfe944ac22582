import type { PointMatrix } from './k-means';

/**
 * Pairwise Euclidean distances of a (sampled) point set, computed once and reused for every
 * candidate k: silhouette is O(n^2), so discovery calls it on a sample of a few thousand points.
 */
export function pairwiseDistances(points: PointMatrix): Float32Array {
  const { n, d, values } = points;
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = i * d;
    for (let j = i + 1; j < n; j++) {
      const b = j * d;
      let sum = 0;
      for (let t = 0; t < d; t++) {
        const diff = values[a + t] - values[b + t];
        sum += diff * diff;
      }
      const dist = Math.sqrt(sum);
      out[i * n + j] = dist;
      out[j * n + i] = dist;
    }
  }
  return out;
}

/** Mean silhouette width (Rousseeuw 1987); a point alone in its cluster scores 0. */
export function meanSilhouette(distances: Float32Array, labels: ArrayLike<number>, k: number): number {
  const n = labels.length;
  if (n < 2 || k < 2) return 0;
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) sizes[labels[i]]++;
  const sums = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    const row = i * n;
    for (let j = 0; j < n; j++) sums[labels[j]] += distances[row + j];
    const own = labels[i];
    if (sizes[own] <= 1) continue;
    const a = sums[own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) {
      if (c === own || sizes[c] === 0) continue;
      const mean = sums[c] / sizes[c];
      if (mean < b) b = mean;
    }
    if (b === Infinity) continue;
    const denominator = Math.max(a, b);
    total += denominator === 0 ? 0 : (b - a) / denominator;
  }
  return total / n;
}
