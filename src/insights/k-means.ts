import type { RandomSource } from './seeded-random';

/** Row-major matrix of n points in d dimensions; a flat typed array keeps 100k-point runs fast. */
export interface PointMatrix {
  readonly n: number;
  readonly d: number;
  readonly values: Float64Array;
}

export interface KMeansResult {
  readonly k: number;
  readonly labels: Int32Array;
  readonly centroids: Float64Array;
  readonly inertia: number;
  readonly iterations: number;
}

export interface KMeansOptions {
  readonly k: number;
  readonly random: RandomSource;
  readonly maxIterations?: number;
  /** Independent k-means++ starts; the one with the lowest inertia wins. */
  readonly restarts?: number;
  /** Start from these centroids instead of k-means++ (used to refine a sample fit on all points). */
  readonly initialCentroids?: Float64Array;
  /**
   * Stop once no more than this share of points changes cluster in an iteration; the last few
   * reassignments of borderline points cost many passes and change nothing a marketer sees.
   */
  readonly tolerance?: number;
}

export function squaredDistance(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, d: number): number {
  let sum = 0;
  for (let j = 0; j < d; j++) {
    const diff = a[aOffset + j] - b[bOffset + j];
    sum += diff * diff;
  }
  return sum;
}

function kMeansPlusPlus(points: PointMatrix, k: number, random: RandomSource): Float64Array {
  const { n, d, values } = points;
  const centroids = new Float64Array(k * d);
  const nearest = new Float64Array(n).fill(Infinity);
  let chosen = Math.floor(random() * n);
  for (let c = 0; c < k; c++) {
    centroids.set(values.subarray(chosen * d, chosen * d + d), c * d);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const dist = squaredDistance(values, i * d, centroids, c * d, d);
      if (dist < nearest[i]) nearest[i] = dist;
      total += nearest[i];
    }
    if (c === k - 1) break;
    if (total === 0) {
      chosen = Math.floor(random() * n);
      continue;
    }
    let target = random() * total;
    chosen = n - 1;
    for (let i = 0; i < n; i++) {
      target -= nearest[i];
      if (target <= 0) {
        chosen = i;
        break;
      }
    }
  }
  return centroids;
}

function lloyd(
  points: PointMatrix,
  start: Float64Array,
  k: number,
  maxIterations: number,
  tolerance: number,
  random: RandomSource,
): KMeansResult {
  const { n, d, values } = points;
  const centroids = Float64Array.from(start);
  const labels = new Int32Array(n).fill(-1);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  const pointDistance = new Float64Array(n);
  let iterations = 0;
  let inertia = 0;
  for (; iterations < maxIterations; iterations++) {
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestDistance = Infinity;
      for (let c = 0; c < k; c++) {
        const dist = squaredDistance(values, i * d, centroids, c * d, d);
        if (dist < bestDistance) {
          bestDistance = dist;
          best = c;
        }
      }
      if (labels[i] !== best) {
        labels[i] = best;
        changed++;
      }
      pointDistance[i] = bestDistance;
      inertia += bestDistance;
    }
    if (changed === 0 || (iterations > 0 && changed <= tolerance * n)) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      counts[c]++;
      for (let j = 0; j < d; j++) sums[c * d + j] += values[i * d + j];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // An empty cluster takes the point currently worst served, the usual repair that keeps k clusters.
        let worst = 0;
        for (let i = 1; i < n; i++) if (pointDistance[i] > pointDistance[worst]) worst = i;
        if (pointDistance[worst] === 0) worst = Math.floor(random() * n);
        centroids.set(values.subarray(worst * d, worst * d + d), c * d);
        pointDistance[worst] = 0;
        continue;
      }
      for (let j = 0; j < d; j++) centroids[c * d + j] = sums[c * d + j] / counts[c];
    }
  }
  return { k, labels, centroids, inertia, iterations };
}

/** k-means with k-means++ seeding; deterministic for a given random source. */
export function kMeans(points: PointMatrix, options: KMeansOptions): KMeansResult {
  const k = Math.min(options.k, points.n);
  if (k < 1) throw new Error('k-means needs at least one point and k >= 1');
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 0;
  if (options.initialCentroids) return lloyd(points, options.initialCentroids, k, maxIterations, tolerance, options.random);
  let best: KMeansResult | undefined;
  for (let r = 0; r < (options.restarts ?? 3); r++) {
    const result = lloyd(points, kMeansPlusPlus(points, k, options.random), k, maxIterations, tolerance, options.random);
    if (!best || result.inertia < best.inertia) best = result;
  }
  return best as KMeansResult;
}

/** Nearest-centroid labels for points that were not part of the fit. */
export function assignToCentroids(points: PointMatrix, centroids: Float64Array, k: number): Int32Array {
  const { n, d, values } = points;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDistance = Infinity;
    for (let c = 0; c < k; c++) {
      const dist = squaredDistance(values, i * d, centroids, c * d, d);
      if (dist < bestDistance) {
        bestDistance = dist;
        best = c;
      }
    }
    labels[i] = best;
  }
  return labels;
}

export function selectRows(points: PointMatrix, rows: readonly number[]): PointMatrix {
  const { d, values } = points;
  const out = new Float64Array(rows.length * d);
  rows.forEach((row, i) => out.set(values.subarray(row * d, row * d + d), i * d));
  return { n: rows.length, d, values: out };
}
