import type { Condition } from '../personas/engine';
import type { FeatureContrast } from './describe-clusters';
import type { FeatureDescriptor } from './feature-catalogue';
import type { ExtractedFeatures } from './feature-extraction';

/** A rule a draft persona may get, with the contacts it fires for on the analysed data. */
export interface CandidateRule {
  readonly label: string;
  readonly when: Condition;
  readonly effect: number;
  readonly fires: Uint8Array;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Best cut on one feature by Youden's J (true-positive rate minus false-positive rate). */
function bestCut(values: Float64Array, d: number, j: number, inCluster: Uint8Array, high: boolean, integer: boolean) {
  const clusterValues: number[] = [];
  let clusterSize = 0;
  for (let i = 0; i < inCluster.length; i++) {
    if (inCluster[i]) {
      clusterValues.push(values[i * d + j]);
      clusterSize++;
    }
  }
  clusterValues.sort((a, b) => a - b);
  const restSize = inCluster.length - clusterSize;
  const quantiles = high ? [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5] : [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];
  const cuts = new Set<number>();
  for (const q of quantiles) {
    const value = clusterValues[Math.min(clusterValues.length - 1, Math.floor(q * clusterValues.length))];
    cuts.add(integer ? (high ? Math.ceil(value) : Math.floor(value)) : Math.round(value * 1000) / 1000);
  }
  let best: { cut: number; j: number } | undefined;
  for (const cut of cuts) {
    if (high && cut <= 0) continue;
    let tp = 0;
    let fp = 0;
    for (let i = 0; i < inCluster.length; i++) {
      const value = values[i * d + j];
      const fires = high ? value >= cut : value <= cut;
      if (fires) {
        if (inCluster[i]) tp++;
        else fp++;
      }
    }
    const youden = tp / Math.max(1, clusterSize) - fp / Math.max(1, restSize);
    if (!best || youden > best.j) best = { cut, j: youden };
  }
  return best;
}

/** A threshold rule on one count or recency feature, cut where it best separates the cluster, written as its hint says. */
export function numericRule(
  feature: FeatureDescriptor,
  contrast: FeatureContrast,
  extracted: ExtractedFeatures,
  j: number,
  inCluster: Uint8Array,
): CandidateRule | null {
  const { raw, d, n } = extracted;
  const hint = feature.rule;
  const high = contrast.effectSize > 0;
  const cut = bestCut(raw, d, j, inCluster, high, true);
  if (!cut || cut.j <= 0) return null;
  const fires = new Uint8Array(n);
  for (let i = 0; i < n; i++) fires[i] = (high ? raw[i * d + j] >= cut.cut : raw[i * d + j] <= cut.cut) ? 1 : 0;
  const t = cut.cut;
  let when: Condition;
  let label: string;
  if (hint.kind === 'property') {
    // "not > t" rather than "<= t": the engine treats an empty property as false for lte, and
    // HubSpot leaves counters empty when they are zero.
    when = high ? { property: hint.property, gte: t } : { not: { property: hint.property, gt: t } };
    label = high ? `${capitalise(feature.label)} at least ${t}` : `${capitalise(feature.label)} at most ${t}`;
  } else if (hint.kind === 'recency') {
    const recent: Condition = { any: hint.properties.map((property) => ({ property, withinDays: t })) };
    // Days since engagement: "low" means engaged recently.
    when = high ? { not: { any: hint.properties.map((property) => ({ property, withinDays: t - 1 })) } } : recent;
    label = high ? `No engagement in the last ${t - 1} days` : `Engaged within the last ${t} days`;
    if (high) {
      for (let i = 0; i < n; i++) fires[i] = raw[i * d + j] > t - 1 ? 1 : 0;
    }
  } else if (hint.kind === 'surveys') {
    const where: Condition = { all: hint.where.map((part) => ({ ...part })) as Condition[] };
    when = { surveys: { where, count: high ? { gte: t } : { lte: t } } };
    label = high
      ? `${capitalise(feature.label)}: at least ${t}`
      : t === 0
        ? `No ${feature.label}`
        : `${capitalise(feature.label)}: at most ${t}`;
  } else if (hint.kind === 'tickets') {
    const count = high ? { gte: t } : { lte: t };
    when = { tickets: { ...(hint.where ? { where: { property: hint.where.property, in: [hint.where.value] } } : {}), count } };
    label = high
      ? `${capitalise(feature.label)}: at least ${t}`
      : t === 0
        ? `No ${feature.label}`
        : `${capitalise(feature.label)}: at most ${t}`;
  } else {
    return null;
  }
  return { label, when, effect: Math.abs(contrast.effectSize), fires };
}

/** One rule for over-represented one-hot features written the same way (title keywords, industries, sizes): any of them. */
export function indicatorRule(
  features: readonly { feature: FeatureDescriptor; contrast: FeatureContrast; j: number }[],
  extracted: ExtractedFeatures,
): CandidateRule | null {
  if (features.length === 0) return null;
  const { raw, d, n } = extracted;
  const fires = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (const { j } of features) {
      if (raw[i * d + j] > 0) {
        fires[i] = 1;
        break;
      }
    }
  }
  const effect = Math.max(...features.map((f) => f.contrast.effectSize));
  const first = features[0].feature.rule;
  if (first.kind === 'title-keyword') {
    const keywords = features.map((f) => (f.feature.rule as { keyword: string }).keyword);
    return {
      label: `Job title mentions ${keywords.join(' or ')}`,
      when: { property: 'jobtitle', matches: `\\b(?:${keywords.map(escapeRegExp).join('|')})\\b` },
      effect,
      fires,
    };
  }
  if (first.kind === 'value-in') {
    const values = features.map((f) => (f.feature.rule as { value: string }).value);
    const what = first.property === 'industry' ? 'Industry' : 'Company size';
    return { label: `${what} is ${values.join(' or ')}`, when: { property: first.property, in: values }, effect, fires };
  }
  if (first.kind === 'company-value-in') {
    const values = features.map((f) => (f.feature.rule as { value: string }).value);
    return { label: `Company in ${values.join(' or ')}`, when: { company: { property: first.property, in: values } }, effect, fires };
  }
  if (first.kind === 'company-size') {
    const bands = features.map((f) => f.feature.rule as { low: number; high: number | null });
    const one = (band: { low: number; high: number | null }): Condition =>
      band.high === null
        ? { property: 'numberofemployees', gte: band.low }
        : { property: 'numberofemployees', between: [band.low, band.high] };
    return {
      label: `Company of ${features.map((f) => f.feature.label.replace(/^company of /, '')).join(' or ')}`,
      when: { company: bands.length === 1 ? one(bands[0]) : { any: bands.map(one) } },
      effect,
      fires,
    };
  }
  return null;
}
