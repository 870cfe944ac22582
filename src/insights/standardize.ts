import type { FeatureBlock } from './feature-catalogue';
import type { ExtractedFeatures } from './feature-extraction';

export interface Standardization {
  readonly means: Float64Array;
  readonly sds: Float64Array;
}

/** Per-feature mean and population standard deviation of the transformed values. */
export function standardizationOf(values: Float64Array, n: number, d: number): Standardization {
  const means = new Float64Array(d);
  const sds = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) means[j] += values[i * d + j];
  for (let j = 0; j < d; j++) means[j] /= Math.max(1, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const diff = values[i * d + j] - means[j];
      sds[j] += diff * diff;
    }
  }
  for (let j = 0; j < d; j++) sds[j] = Math.sqrt(sds[j] / Math.max(1, n));
  return { means, sds };
}

/**
 * z-scores, clipped so a handful of extreme contacts cannot become a cluster of their own, and
 * weighted per block so that a block of many one-hot columns (say fifteen title keywords) weighs
 * about as much in distances as four behaviour measures (`indicatorBlockWeight`), instead of
 * drowning them; on the sandbox's planted portals 4 recovered the groups across seeds where 2
 * sometimes merged two low-engagement groups.
 */
export function standardize(
  extracted: ExtractedFeatures,
  options: { readonly clip?: number; readonly indicatorBlockWeight?: number } = {},
): { values: Float64Array; standardization: Standardization; weights: Float64Array } {
  const { n, d, transformed, features } = extracted;
  const standardization = standardizationOf(transformed, n, d);
  const clip = options.clip ?? 4;
  const blockSizes = new Map<FeatureBlock, number>();
  for (const feature of features) blockSizes.set(feature.block, (blockSizes.get(feature.block) ?? 0) + 1);
  const weights = Float64Array.from(features, (feature) =>
    feature.unit === 'indicator' ? Math.sqrt((options.indicatorBlockWeight ?? 4) / Math.max(2, blockSizes.get(feature.block)!)) : 1,
  );
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const sd = standardization.sds[j];
      if (sd === 0) continue;
      const z = (transformed[i * d + j] - standardization.means[j]) / sd;
      values[i * d + j] = Math.max(-clip, Math.min(clip, z)) * weights[j];
    }
  }
  return { values, standardization, weights };
}
