import type { ExtractedFeatures, FeatureDescriptor } from './feature-extraction';

export interface FeatureContrast {
  readonly feature: string;
  readonly label: string;
  readonly unit: FeatureDescriptor['unit'];
  /** Means in original units (counts, days, rates, or the share having the attribute). */
  readonly clusterMean: number;
  readonly restMean: number;
  /** Cohen's d of the cluster against all other contacts, on the variance-stabilised scale. */
  readonly effectSize: number;
  readonly direction: 'higher' | 'lower';
  readonly sentence: string;
}

export interface ShareItem {
  readonly value: string;
  readonly count: number;
  /** Share within the cluster (of contacts, or of tickets for ticket categories). */
  readonly share: number;
  /** The same share over the whole portal, to show what is typical. */
  readonly overallShare: number;
}

export interface WordCount {
  readonly word: string;
  readonly count: number;
}

export interface ClusterDescription {
  readonly index: number;
  readonly size: number;
  readonly share: number;
  readonly distinguishing: readonly FeatureContrast[];
  /** Every feature's contrast, in feature order, for rule drafting. */
  readonly contrasts: readonly FeatureContrast[];
  readonly jobTitles: readonly ShareItem[];
  readonly industries: readonly ShareItem[];
  readonly ticketCategories: readonly ShareItem[];
  readonly subjectWords: readonly WordCount[];
  readonly currentPersonas: readonly ShareItem[];
  readonly lifecycleStages: readonly ShareItem[];
  readonly summary: string;
}

export interface DescribeOptions {
  readonly topFeatures?: number;
  readonly topValues?: number;
  readonly topWords?: number;
  /** Features below this |d| are not called distinguishing. */
  readonly minEffectSize?: number;
}

const formatInteger = (value: number): string => Math.round(value).toLocaleString('en-US');
const formatPercent = (value: number): string => `${(value * 100).toFixed(value < 0.1 && value > 0 ? 1 : 0)}%`;

export function formatFeatureValue(unit: FeatureDescriptor['unit'], value: number): string {
  if (unit === 'rate' || unit === 'indicator') return formatPercent(value);
  if (unit === 'days') return `${formatInteger(value)} days`;
  return value >= 10 ? formatInteger(value) : value.toFixed(1);
}

function magnitude(effect: number): string {
  const size = Math.abs(effect);
  if (size >= 1.2) return 'much';
  if (size >= 0.8) return 'clearly';
  if (size >= 0.5) return 'somewhat';
  return 'slightly';
}

function contrastSentence(feature: FeatureDescriptor, clusterMean: number, restMean: number, effect: number): string {
  const direction = effect >= 0 ? 'higher' : 'lower';
  const values = `${formatFeatureValue(feature.unit, clusterMean)} vs ${formatFeatureValue(feature.unit, restMean)} for everyone else`;
  if (feature.unit === 'indicator') {
    return `${feature.label}: ${values} (${magnitude(effect)} ${effect >= 0 ? 'more common' : 'less common'}, d = ${effect.toFixed(2)})`;
  }
  if (feature.unit === 'days') {
    return `${feature.label}: ${values} (${magnitude(effect)} ${effect >= 0 ? 'less recent' : 'more recent'}, d = ${effect.toFixed(2)})`;
  }
  return `${feature.label}: ${values} on average (${magnitude(effect)} ${direction}, d = ${effect.toFixed(2)})`;
}

function topShares(ids: ArrayLike<number>, vocabulary: readonly string[], members: readonly number[], limit: number): ShareItem[] {
  const overall = new Map<number, number>();
  for (let i = 0; i < ids.length; i++) if (ids[i] >= 0) overall.set(ids[i], (overall.get(ids[i]) ?? 0) + 1);
  const inCluster = new Map<number, number>();
  for (const i of members) if (ids[i] >= 0) inCluster.set(ids[i], (inCluster.get(ids[i]) ?? 0) + 1);
  return [...inCluster.entries()]
    .sort((a, b) => b[1] - a[1] || (vocabulary[a[0]] < vocabulary[b[0]] ? -1 : 1))
    .slice(0, limit)
    .map(([id, count]) => ({
      value: vocabulary[id],
      count,
      share: count / Math.max(1, members.length),
      overallShare: (overall.get(id) ?? 0) / Math.max(1, ids.length),
    }));
}

function listPhrase(items: readonly ShareItem[]): string {
  return items.map((item) => `${item.value} (${formatPercent(item.share)})`).join(', ');
}

/**
 * Describes each cluster in words a marketer reads: how big it is, what sets it apart (largest
 * Cohen's d against the rest of the portal), and its dominant titles, industries, ticket
 * categories and ticket-subject words.
 */
export function describeClusters(
  extracted: ExtractedFeatures,
  labels: ArrayLike<number>,
  k: number,
  options: DescribeOptions = {},
): ClusterDescription[] {
  const { n, d, transformed, raw, features } = extracted;
  const topFeatures = options.topFeatures ?? 5;
  const topValues = options.topValues ?? 3;
  const minEffect = options.minEffectSize ?? 0.3;
  const sums = new Float64Array(k * d);
  const squares = new Float64Array(k * d);
  const rawSums = new Float64Array(k * d);
  const sizes = new Int32Array(k);
  const members: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    sizes[c]++;
    members[c].push(i);
    for (let j = 0; j < d; j++) {
      const value = transformed[i * d + j];
      sums[c * d + j] += value;
      squares[c * d + j] += value * value;
      rawSums[c * d + j] += raw[i * d + j];
    }
  }
  const totalSums = new Float64Array(d);
  const totalSquares = new Float64Array(d);
  const totalRaw = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) {
      totalSums[j] += sums[c * d + j];
      totalSquares[j] += squares[c * d + j];
      totalRaw[j] += rawSums[c * d + j];
    }
  }

  const personaVocabulary: string[] = [];
  const personaIndex = new Map<string, number>();
  const personaIds = Int32Array.from(extracted.personaIds, (id) => {
    const key = id ?? 'unassigned';
    if (!personaIndex.has(key)) {
      personaIndex.set(key, personaVocabulary.length);
      personaVocabulary.push(key);
    }
    return personaIndex.get(key)!;
  });
  const ticketTotals = new Map<number, number>();
  let allTickets = 0;
  for (const counts of extracted.ticketCategories.counts) {
    for (const [id, count] of counts) {
      ticketTotals.set(id, (ticketTotals.get(id) ?? 0) + count);
      allTickets += count;
    }
  }

  return Array.from({ length: k }, (_, c) => {
    const size = sizes[c];
    const rest = n - size;
    const contrasts = features.map((feature, j): FeatureContrast => {
      const m1 = size > 0 ? sums[c * d + j] / size : 0;
      const m2 = rest > 0 ? (totalSums[j] - sums[c * d + j]) / rest : 0;
      const ss1 = squares[c * d + j] - size * m1 * m1;
      const ss2 = totalSquares[j] - squares[c * d + j] - rest * m2 * m2;
      const pooled = size + rest > 2 ? Math.sqrt(Math.max(0, ss1 + ss2) / (size + rest - 2)) : 0;
      const effectSize = pooled > 1e-12 ? (m1 - m2) / pooled : 0;
      const clusterMean = size > 0 ? rawSums[c * d + j] / size : 0;
      const restMean = rest > 0 ? (totalRaw[j] - rawSums[c * d + j]) / rest : 0;
      return {
        feature: feature.name,
        label: feature.label,
        unit: feature.unit,
        clusterMean,
        restMean,
        effectSize,
        direction: effectSize >= 0 ? 'higher' : 'lower',
        sentence: contrastSentence(feature, clusterMean, restMean, effectSize),
      };
    });
    const distinguishing = [...contrasts]
      .filter((contrast) => Math.abs(contrast.effectSize) >= minEffect)
      .sort((a, b) => Math.abs(b.effectSize) - Math.abs(a.effectSize))
      .slice(0, topFeatures);

    const categoryCounts = new Map<number, number>();
    let clusterTickets = 0;
    const wordCounts = new Map<number, number>();
    for (const i of members[c]) {
      for (const [id, count] of extracted.ticketCategories.counts[i]) {
        categoryCounts.set(id, (categoryCounts.get(id) ?? 0) + count);
        clusterTickets += count;
      }
      const { offsets, ids } = extracted.subjectWords;
      for (let w = offsets[i]; w < offsets[i + 1]; w++) wordCounts.set(ids[w], (wordCounts.get(ids[w]) ?? 0) + 1);
    }
    const ticketCategories = [...categoryCounts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, topValues)
      .map(([id, count]) => ({
        value: extracted.ticketCategories.vocabulary[id],
        count,
        share: count / Math.max(1, clusterTickets),
        overallShare: (ticketTotals.get(id) ?? 0) / Math.max(1, allTickets),
      }));
    const subjectWords = [...wordCounts.entries()]
      .sort((a, b) => b[1] - a[1] || (extracted.subjectWords.vocabulary[a[0]] < extracted.subjectWords.vocabulary[b[0]] ? -1 : 1))
      .slice(0, options.topWords ?? 8)
      .map(([id, count]) => ({ word: extracted.subjectWords.vocabulary[id], count }));
    const jobTitles = topShares(extracted.titles.ids, extracted.titles.vocabulary, members[c], topValues);
    const industries = topShares(extracted.industries.ids, extracted.industries.vocabulary, members[c], topValues);
    const currentPersonas = topShares(personaIds, personaVocabulary, members[c], topValues);
    const lifecycleStages = topShares(extracted.lifecycleStages.ids, extracted.lifecycleStages.vocabulary, members[c], topValues);

    const parts = [`${formatInteger(size)} contacts (${formatPercent(size / Math.max(1, n))} of the portal).`];
    if (distinguishing.length > 0) {
      parts.push(
        `What sets them apart: ${distinguishing
          .slice(0, 3)
          .map((x) => x.sentence)
          .join('; ')}.`,
      );
    } else {
      parts.push('Nothing sets them clearly apart from the rest of the portal.');
    }
    if (jobTitles.length > 0) parts.push(`Typical job titles: ${listPhrase(jobTitles)}.`);
    if (industries.length > 0) parts.push(`Industries: ${listPhrase(industries)}.`);
    if (ticketCategories.length > 0) {
      parts.push(
        `Their ${formatInteger(clusterTickets)} tickets are mostly ${listPhrase(ticketCategories)}` +
          (subjectWords.length > 0
            ? `, with subjects about ${subjectWords
                .slice(0, 5)
                .map((w) => w.word)
                .join(', ')}.`
            : '.'),
      );
    } else {
      parts.push('They have raised no support tickets.');
    }
    return {
      index: c,
      size,
      share: size / Math.max(1, n),
      distinguishing,
      contrasts,
      jobTitles,
      industries,
      ticketCategories,
      subjectWords,
      currentPersonas,
      lifecycleStages,
      summary: parts.join(' '),
    };
  });
}
