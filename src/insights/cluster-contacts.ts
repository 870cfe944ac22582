import { kMeans, selectRows, type PointMatrix } from './k-means';
import { seededRandom, sampleIndices } from './seeded-random';
import { meanSilhouette, pairwiseDistances } from './silhouette';

export interface ClusteringOptions {
  readonly seed?: number;
  readonly minK?: number;
  readonly maxK?: number;
  /** Candidate k values are fitted on at most this many points. */
  readonly fitSampleSize?: number;
  /** Silhouette (O(n^2)) is computed on at most this many points of the fit sample. */
  readonly silhouetteSampleSize?: number;
  readonly restarts?: number;
}

export interface ClusterCountCandidate {
  readonly k: number;
  readonly silhouette: number;
}

export interface SamplingNote {
  readonly contacts: number;
  readonly fitSample: number;
  readonly silhouetteSample: number;
  readonly sampled: boolean;
  /** One sentence for the report, saying when and how sampling happened. */
  readonly description: string;
}

export interface Clustering {
  readonly k: number;
  readonly labels: Int32Array;
  readonly centroids: Float64Array;
  readonly candidates: readonly ClusterCountCandidate[];
  readonly silhouette: number;
  readonly sampling: SamplingNote;
  readonly method: string;
}

/**
 * Chooses k by the mean silhouette width over k = minK..maxK (each candidate fitted with
 * k-means++ on a seeded sample, silhouettes on a smaller sub-sample sharing one distance matrix),
 * then refits the chosen k on every point starting from the sample's centroids.
 */
export function clusterContacts(points: PointMatrix, options: ClusteringOptions = {}): Clustering {
  return runToEnd(clusterContactsInSteps(points, options));
}

/** How far clustering has got: candidate clusterings fitted so far, of all to fit (the refit counts as one). */
export interface ClusteringStep {
  readonly done: number;
  readonly total: number;
}

/** Runs a stepwise computation without pausing between steps. */
export function runToEnd<T>(steps: Generator<ClusteringStep, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** clusterContacts, pausing after each candidate k so a caller can report progress (and let other work run). */
export function* clusterContactsInSteps(points: PointMatrix, options: ClusteringOptions = {}): Generator<ClusteringStep, Clustering> {
  const random = seededRandom(options.seed ?? 1);
  const minK = Math.max(2, options.minK ?? 2);
  const maxK = Math.max(minK, Math.min(options.maxK ?? 10, points.n - 1));
  if (points.n < 3 || points.n <= minK) throw new Error(`clustering needs more than ${minK} contacts, got ${points.n}`);
  const fitRows = sampleIndices(points.n, options.fitSampleSize ?? 5_000, random);
  const fitPoints = fitRows.length === points.n ? points : selectRows(points, fitRows);
  const silhouetteRows = sampleIndices(fitPoints.n, options.silhouetteSampleSize ?? 2_000, random);
  const distances = pairwiseDistances(selectRows(fitPoints, silhouetteRows));

  const candidates: ClusterCountCandidate[] = [];
  let best: { k: number; silhouette: number; centroids: Float64Array } | undefined;
  for (let k = minK; k <= maxK; k++) {
    const fit = kMeans(fitPoints, { k, random, restarts: options.restarts ?? 6, tolerance: 0.001 });
    const labels = silhouetteRows.map((row) => fit.labels[row]);
    const silhouette = meanSilhouette(distances, labels, k);
    candidates.push({ k, silhouette });
    if (!best || silhouette > best.silhouette) best = { k, silhouette, centroids: fit.centroids };
    yield { done: k - minK + 1, total: maxK - minK + 2 };
  }
  const chosen = best!;
  const refined = kMeans(points, { k: chosen.k, random, initialCentroids: chosen.centroids, maxIterations: 50, tolerance: 0.0001 });
  const sampled = fitRows.length < points.n || silhouetteRows.length < fitPoints.n;
  const fmt = (value: number) => value.toLocaleString('en-US');
  const seedNote = `seed ${options.seed ?? 1}`;
  const description = !sampled
    ? `No sampling: all ${fmt(points.n)} contacts were used to choose and fit the clusters.`
    : fitRows.length < points.n
      ? `Sampled: candidate clusterings (k = ${minK}..${maxK}) were fitted on a random sample of ${fmt(fitRows.length)} of ` +
        `${fmt(points.n)} contacts and scored by silhouette on ${fmt(silhouetteRows.length)} of them (${seedNote}); ` +
        'the chosen clustering was then refined on all contacts.'
      : `Sampled: candidate clusterings (k = ${minK}..${maxK}) were fitted on all ${fmt(points.n)} contacts and scored by ` +
        `silhouette on a random sample of ${fmt(silhouetteRows.length)} of them (${seedNote}).`;
  return {
    k: chosen.k,
    labels: refined.labels,
    centroids: refined.centroids,
    candidates,
    silhouette: chosen.silhouette,
    sampling: { contacts: points.n, fitSample: fitRows.length, silhouetteSample: silhouetteRows.length, sampled, description },
    method: `k-means (k-means++ seeding, ${options.restarts ?? 6} restarts), k chosen by mean silhouette width over k = ${minK}..${maxK}`,
  };
}
