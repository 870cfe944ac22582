import type { FeatureDescriptor } from './feature-catalogue';
import type { ExtractedFeatures } from './feature-extraction';

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
  /** The primary companies' industries and size bands (shares of the cluster's contacts). */
  readonly companyIndustries: readonly ShareItem[];
  readonly companySizes: readonly ShareItem[];
  /** The band of each contact's latest NPS answer; shares of those who answered. */
  readonly npsBands: readonly ShareItem[];
  readonly ticketCategories: readonly ShareItem[];
  readonly subjectWords: readonly WordCount[];
  /** Frequent words of the cluster's survey comments (free-text answers). */
  readonly commentWords: readonly WordCount[];
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

/** The effect size reported for a feature that separates the cluster perfectly (Cohen's d is unbounded there). */
const SEPARATED_EFFECT = 10;

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

/** Shares among the members that have a value at all (e.g. of those who answered an NPS survey). */
function sharesOfAnswered(ids: Int32Array, vocabulary: readonly string[], members: readonly number[], limit: number): ShareItem[] {
  const answered = members.filter((i) => ids[i] >= 0);
  const everyone = ids.filter((id) => id >= 0).length;
  return topShares(ids, vocabulary, answered, limit).map((item) => ({
    ...item,
    overallShare: (item.overallShare * ids.length) / Math.max(1, everyone),
  }));
}

function topWords(words: ExtractedFeatures['subjectWords'], members: readonly number[], limit: number): WordCount[] {
  const counts = new Map<number, number>();
  for (const i of members)
    for (let w = words.offsets[i]; w < words.offsets[i + 1]; w++) counts.set(words.ids[w], (counts.get(words.ids[w]) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (words.vocabulary[a[0]] < words.vocabulary[b[0]] ? -1 : 1))
    .slice(0, limit)
    .map(([id, count]) => ({ word: words.vocabulary[id], count }));
}

const industryWords = (value: string): string => {
  const words = value.replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};
const NPS_WORDS = ['≤ 6', '7–8', '≥ 9'];

/** "Mostly 200–999 employee companies in Computer software", or the leading sizes when none dominates. */
function companySentence(sizes: readonly ShareItem[], industries: readonly ShareItem[]): string | null {
  const [size] = sizes;
  const [industry] = industries;
  if (!size && !industry) return null;
  const where = industry && industry.share >= 0.5 ? ` in ${industryWords(industry.value)}` : '';
  if (size && size.share >= 0.5) return `Mostly ${size.value} employee companies${where} (${formatPercent(size.share)}).`;
  if (where) return `Mostly companies${where} (${formatPercent(industry.share)}).`;
  const parts = [
    sizes.length ? `company sizes ${listPhrase(sizes)}` : '',
    industries.length ? `industries ${industries.map((i) => `${industryWords(i.value)} (${formatPercent(i.share)})`).join(', ')}` : '',
  ].filter(Boolean);
  return `Their companies: ${parts.join('; ')}.`;
}

function npsSentence(bands: readonly ShareItem[], vocabulary: readonly string[]): string | null {
  const [top] = bands;
  if (!top) return null;
  const answered = Math.round(top.count / Math.max(1e-9, top.share));
  const words = NPS_WORDS[vocabulary.indexOf(top.value)] ?? top.value;
  return top.share >= 0.5
    ? `NPS mostly ${words} (${formatPercent(top.share)} of the ${formatInteger(answered)} who answered).`
    : `NPS answers are mixed: ${listPhrase(bands)}.`;
}

function listPhrase(items: readonly ShareItem[]): string {
  return items.map((item) => `${item.value} (${formatPercent(item.share)})`).join(', ');
}

/**
 * Describes each cluster in words a marketer reads: how big it is, what sets it apart (largest
 * Cohen's d against the rest of the portal), and its dominant titles, industries, company sizes,
 * NPS bands, ticket categories, and words of ticket subjects and survey comments.
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
      // No spread at all inside either group but different means: a perfect separation, not "no effect".
      const effectSize = pooled > 1e-12 ? (m1 - m2) / pooled : Math.abs(m1 - m2) > 1e-12 ? Math.sign(m1 - m2) * SEPARATED_EFFECT : 0;
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
    for (const i of members[c]) {
      for (const [id, count] of extracted.ticketCategories.counts[i]) {
        categoryCounts.set(id, (categoryCounts.get(id) ?? 0) + count);
        clusterTickets += count;
      }
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
    const subjectWords = topWords(extracted.subjectWords, members[c], options.topWords ?? 8);
    const jobTitles = topShares(extracted.titles.ids, extracted.titles.vocabulary, members[c], topValues);
    const industries = topShares(extracted.industries.ids, extracted.industries.vocabulary, members[c], topValues);
    const currentPersonas = topShares(personaIds, personaVocabulary, members[c], topValues);
    const companyIndustries = topShares(extracted.companyIndustries.ids, extracted.companyIndustries.vocabulary, members[c], topValues);
    const companySizes = topShares(extracted.companySizes.ids, extracted.companySizes.vocabulary, members[c], topValues);
    const npsBands = sharesOfAnswered(extracted.npsBands.ids, extracted.npsBands.vocabulary, members[c], topValues);
    const commentWords = topWords(extracted.commentWords, members[c], options.topWords ?? 8);
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
    const companies = companySentence(companySizes, companyIndustries);
    if (companies) parts.push(companies);
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
    const nps = npsSentence(npsBands, extracted.npsBands.vocabulary);
    if (nps) parts.push(nps);
    if (commentWords.length > 0) {
      parts.push(
        `Their survey comments mention ${commentWords
          .slice(0, 5)
          .map((w) => w.word)
          .join(', ')}.`,
      );
    }
    return {
      index: c,
      size,
      share: size / Math.max(1, n),
      distinguishing,
      contrasts,
      jobTitles,
      industries,
      companyIndustries,
      companySizes,
      npsBands,
      ticketCategories,
      subjectWords,
      commentWords,
      currentPersonas,
      lifecycleStages,
      summary: parts.join(' '),
    };
  });
}
