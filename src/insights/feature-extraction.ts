import type { PropertyBag } from '../crm/model';
import { parseDateValue, parseNumberValue, presentValue, DAY_MS } from '../personas/engine';
import { contentWords, Vocabulary } from './text-tokens';

/** A contact as discovery reads it: its properties, its tickets and its current effective persona. */
export interface AnalysisContact {
  readonly id: string;
  readonly email?: string;
  readonly properties: PropertyBag;
  readonly tickets: readonly { readonly properties: PropertyBag }[];
  readonly personaId: string | null;
}

/** How "more of this feature" can be written in the rule language, so clusters become draft rules. */
export type FeatureRuleHint =
  | { readonly kind: 'property'; readonly property: string }
  | { readonly kind: 'recency'; readonly properties: readonly string[] }
  | { readonly kind: 'tickets'; readonly where?: { readonly property: string; readonly value: string } }
  | { readonly kind: 'title-keyword'; readonly keyword: string }
  | { readonly kind: 'value-in'; readonly property: string; readonly value: string }
  | { readonly kind: 'none' };

export type FeatureBlock = 'behaviour' | 'email' | 'support' | 'title' | 'industry' | 'company-size';

export interface FeatureDescriptor {
  readonly name: string;
  /** What a marketer reads, e.g. "page views". */
  readonly label: string;
  readonly block: FeatureBlock;
  /** How raw values are shown: counts and days as numbers, rates and indicators as percentages. */
  readonly unit: 'count' | 'rate' | 'days' | 'indicator';
  readonly rule: FeatureRuleHint;
}

export interface ExtractedFeatures {
  readonly n: number;
  readonly d: number;
  readonly contactIds: readonly string[];
  readonly personaIds: readonly (string | null)[];
  readonly features: readonly FeatureDescriptor[];
  /** Original units (counts, rates, days, 0/1), row-major n x d: clusters are described in these. */
  readonly raw: Float64Array;
  /** Variance-stabilised values (log1p of counts and days), row-major n x d: what gets standardized. */
  readonly transformed: Float64Array;
  readonly titles: { readonly vocabulary: readonly string[]; readonly ids: Int32Array };
  readonly industries: { readonly vocabulary: readonly string[]; readonly ids: Int32Array };
  readonly ticketCategories: { readonly vocabulary: readonly string[]; readonly counts: readonly (readonly [number, number])[][] };
  readonly subjectWords: { readonly vocabulary: readonly string[]; readonly offsets: Int32Array; readonly ids: Int32Array };
  readonly lifecycleStages: { readonly vocabulary: readonly string[]; readonly ids: Int32Array };
}

export interface FeatureOptions {
  /** Evaluation instant (epoch ms) for recency. */
  readonly now: number;
  readonly maxTitleKeywords?: number;
  readonly maxIndustries?: number;
  readonly maxTicketCategories?: number;
  readonly maxTicketPriorities?: number;
  readonly maxCompanySizeBands?: number;
  /** A keyword or category is encoded only when at least this share of contacts has it. */
  readonly minCategoryShare?: number;
}

const RECENCY_PROPERTIES = [
  'hs_analytics_last_visit_timestamp',
  'hs_email_last_open_date',
  'hs_email_last_click_date',
  'notes_last_updated',
];
/** Contacts with no engagement date at all count as this many days stale, so they sit at the far end, not at 0. */
const RECENCY_CAP_DAYS = 730;

const EMPLOYEE_BANDS: readonly (readonly [number, string])[] = [
  [5, '1-5'],
  [25, '5-25'],
  [50, '25-50'],
  [100, '50-100'],
  [500, '100-500'],
  [1000, '500-1000'],
  [Infinity, '1000+'],
];

function numberOf(properties: PropertyBag, name: string): number {
  const value = presentValue(properties[name]);
  if (value === null) return 0;
  const parsed = parseNumberValue(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : 0;
}

function companySizeBand(properties: PropertyBag): string | null {
  const count = presentValue(properties.numberofemployees);
  if (count !== null) {
    const parsed = parseNumberValue(count);
    if (Number.isFinite(parsed) && parsed >= 0) return EMPLOYEE_BANDS.find(([limit]) => parsed <= limit)![1];
  }
  const band = presentValue(properties.numemployees) ?? presentValue(properties.company_size);
  return band === null ? null : band.toLowerCase();
}

const NUMERIC_FEATURES: readonly FeatureDescriptor[] = [
  {
    name: 'page_views',
    label: 'page views',
    block: 'behaviour',
    unit: 'count',
    rule: { kind: 'property', property: 'hs_analytics_num_page_views' },
  },
  {
    name: 'visits',
    label: 'site visits',
    block: 'behaviour',
    unit: 'count',
    rule: { kind: 'property', property: 'hs_analytics_num_visits' },
  },
  {
    name: 'conversions',
    label: 'form conversions',
    block: 'behaviour',
    unit: 'count',
    rule: { kind: 'property', property: 'num_conversion_events' },
  },
  {
    name: 'days_since_engagement',
    label: 'days since last engagement',
    block: 'behaviour',
    unit: 'days',
    rule: { kind: 'recency', properties: RECENCY_PROPERTIES },
  },
  {
    name: 'emails_delivered',
    label: 'marketing emails delivered',
    block: 'email',
    unit: 'count',
    rule: { kind: 'property', property: 'hs_email_delivered' },
  },
  { name: 'email_opens', label: 'email opens', block: 'email', unit: 'count', rule: { kind: 'property', property: 'hs_email_open' } },
  { name: 'email_clicks', label: 'email clicks', block: 'email', unit: 'count', rule: { kind: 'property', property: 'hs_email_click' } },
  { name: 'email_open_rate', label: 'email open rate', block: 'email', unit: 'rate', rule: { kind: 'none' } },
  { name: 'email_click_rate', label: 'email click rate', block: 'email', unit: 'rate', rule: { kind: 'none' } },
  { name: 'tickets_total', label: 'support tickets', block: 'support', unit: 'count', rule: { kind: 'tickets' } },
];

interface ContactRow {
  readonly numeric: Float64Array;
  readonly titleId: number;
  readonly titleWords: readonly number[];
  readonly industryId: number;
  readonly bandId: number;
  readonly lifecycleId: number;
  readonly categories: Map<number, number>;
  readonly priorities: Map<number, number>;
  readonly subjectWords: readonly number[];
}

/**
 * Turns contacts into numeric vectors in one streaming pass: contacts are reduced to compact rows
 * as they arrive (so a 100,000-contact portal never sits in memory as property bags), and the
 * categorical vocabularies (title keywords, industries, bands, ticket categories) are chosen from
 * the whole portal at build time.
 */
export class FeatureAccumulator {
  private readonly rows: ContactRow[] = [];
  private readonly contactIds: string[] = [];
  private readonly personaIds: (string | null)[] = [];
  private readonly titles = new Vocabulary();
  private readonly titleWords = new Vocabulary();
  private readonly industries = new Vocabulary();
  private readonly bands = new Vocabulary();
  private readonly lifecycle = new Vocabulary();
  private readonly categories = new Vocabulary();
  private readonly priorities = new Vocabulary();
  private readonly subjects = new Vocabulary();

  constructor(private readonly options: FeatureOptions) {}

  get size(): number {
    return this.rows.length;
  }

  add(contact: AnalysisContact): void {
    const p = contact.properties;
    const delivered = numberOf(p, 'hs_email_delivered');
    const opens = numberOf(p, 'hs_email_open');
    const clicks = numberOf(p, 'hs_email_click');
    let latest = Number.NaN;
    for (const name of RECENCY_PROPERTIES) {
      const value = presentValue(p[name]);
      if (value === null) continue;
      const at = parseDateValue(value);
      if (Number.isFinite(at) && !(at <= latest)) latest = at;
    }
    const days = Number.isFinite(latest) ? Math.min(RECENCY_CAP_DAYS, Math.max(0, (this.options.now - latest) / DAY_MS)) : RECENCY_CAP_DAYS;
    const numeric = Float64Array.of(
      numberOf(p, 'hs_analytics_num_page_views'),
      numberOf(p, 'hs_analytics_num_visits'),
      numberOf(p, 'num_conversion_events'),
      days,
      delivered,
      opens,
      clicks,
      delivered > 0 ? Math.min(1, opens / delivered) : 0,
      delivered > 0 ? Math.min(1, clicks / delivered) : 0,
      contact.tickets.length,
    );
    const title = presentValue(p.jobtitle);
    const industry = presentValue(p.industry);
    const band = companySizeBand(p);
    const stage = presentValue(p.lifecyclestage);
    const categories = new Map<number, number>();
    const priorities = new Map<number, number>();
    const subjectWords: number[] = [];
    for (const ticket of contact.tickets) {
      const category = presentValue(ticket.properties.hs_ticket_category);
      if (category !== null) {
        const id = this.categories.intern(category.toUpperCase());
        categories.set(id, (categories.get(id) ?? 0) + 1);
      }
      const priority = presentValue(ticket.properties.hs_ticket_priority);
      if (priority !== null) {
        const id = this.priorities.intern(priority.toUpperCase());
        priorities.set(id, (priorities.get(id) ?? 0) + 1);
      }
      for (const word of contentWords(ticket.properties.subject)) subjectWords.push(this.subjects.intern(word));
    }
    this.rows.push({
      numeric,
      titleId: title === null ? -1 : this.titles.intern(title.toLowerCase().replace(/\s+/g, ' ')),
      titleWords: title === null ? [] : [...new Set(contentWords(title))].map((word) => this.titleWords.intern(word)),
      industryId: industry === null ? -1 : this.industries.intern(industry.toUpperCase()),
      bandId: band === null ? -1 : this.bands.intern(band),
      lifecycleId: stage === null ? -1 : this.lifecycle.intern(stage.toLowerCase()),
      categories,
      priorities,
      subjectWords,
    });
    this.contactIds.push(contact.id);
    this.personaIds.push(contact.personaId);
  }

  build(): ExtractedFeatures {
    const n = this.rows.length;
    const minCount = Math.max(1, Math.ceil(n * (this.options.minCategoryShare ?? 0.01)));
    const titleKeywords = this.titleWords.top(this.options.maxTitleKeywords ?? 15, minCount);
    const industries = this.industries.top(this.options.maxIndustries ?? 10, minCount);
    const bands = this.bands.top(this.options.maxCompanySizeBands ?? 8, minCount);
    const categories = this.categories.top(this.options.maxTicketCategories ?? 10, 1);
    const priorities = this.priorities.top(this.options.maxTicketPriorities ?? 5, 1);

    const features: FeatureDescriptor[] = [
      ...NUMERIC_FEATURES,
      ...categories.map((id): FeatureDescriptor => ({
        name: `tickets_category_${this.categories.words[id].toLowerCase()}`,
        label: `${this.categories.words[id]} tickets`,
        block: 'support',
        unit: 'count',
        rule: { kind: 'tickets', where: { property: 'hs_ticket_category', value: this.categories.words[id] } },
      })),
      ...priorities.map((id): FeatureDescriptor => ({
        name: `tickets_priority_${this.priorities.words[id].toLowerCase()}`,
        label: `${this.priorities.words[id]}-priority tickets`,
        block: 'support',
        unit: 'count',
        rule: { kind: 'tickets', where: { property: 'hs_ticket_priority', value: this.priorities.words[id] } },
      })),
      ...titleKeywords.map((id): FeatureDescriptor => ({
        name: `title_${this.titleWords.words[id]}`,
        label: `job title mentions "${this.titleWords.words[id]}"`,
        block: 'title',
        unit: 'indicator',
        rule: { kind: 'title-keyword', keyword: this.titleWords.words[id] },
      })),
      ...industries.map((id): FeatureDescriptor => ({
        name: `industry_${this.industries.words[id].toLowerCase()}`,
        label: `industry ${this.industries.words[id]}`,
        block: 'industry',
        unit: 'indicator',
        rule: { kind: 'value-in', property: 'industry', value: this.industries.words[id] },
      })),
      ...bands.map((id): FeatureDescriptor => ({
        name: `company_size_${this.bands.words[id]}`,
        label: `company size ${this.bands.words[id]}`,
        block: 'company-size',
        unit: 'indicator',
        rule: { kind: 'value-in', property: 'numemployees', value: this.bands.words[id] },
      })),
    ];
    const d = features.length;
    const raw = new Float64Array(n * d);
    const transformed = new Float64Array(n * d);
    const numericCount = NUMERIC_FEATURES.length;
    const categoryColumn = new Map(categories.map((id, i) => [id, numericCount + i]));
    const priorityColumn = new Map(priorities.map((id, i) => [id, numericCount + categories.length + i]));
    const keywordStart = numericCount + categories.length + priorities.length;
    const keywordColumn = new Map(titleKeywords.map((id, i) => [id, keywordStart + i]));
    const industryColumn = new Map(industries.map((id, i) => [id, keywordStart + titleKeywords.length + i]));
    const bandColumn = new Map(bands.map((id, i) => [id, keywordStart + titleKeywords.length + industries.length + i]));

    const titleIds = new Int32Array(n);
    const industryIds = new Int32Array(n);
    const lifecycleIds = new Int32Array(n);
    const categoryCounts: (readonly [number, number])[][] = [];
    const offsets = new Int32Array(n + 1);
    let wordTotal = 0;
    for (const row of this.rows) wordTotal += row.subjectWords.length;
    const wordIds = new Int32Array(wordTotal);
    let wordCursor = 0;

    this.rows.forEach((row, i) => {
      const base = i * d;
      raw.set(row.numeric, base);
      for (const [id, count] of row.categories) {
        const column = categoryColumn.get(id);
        if (column !== undefined) raw[base + column] = count;
      }
      for (const [id, count] of row.priorities) {
        const column = priorityColumn.get(id);
        if (column !== undefined) raw[base + column] = count;
      }
      for (const id of row.titleWords) {
        const column = keywordColumn.get(id);
        if (column !== undefined) raw[base + column] = 1;
      }
      const industry = industryColumn.get(row.industryId);
      if (industry !== undefined) raw[base + industry] = 1;
      const band = bandColumn.get(row.bandId);
      if (band !== undefined) raw[base + band] = 1;
      for (let j = 0; j < d; j++) {
        const unit = features[j].unit;
        transformed[base + j] = unit === 'count' || unit === 'days' ? Math.log1p(raw[base + j]) : raw[base + j];
      }
      titleIds[i] = row.titleId;
      industryIds[i] = row.industryId;
      lifecycleIds[i] = row.lifecycleId;
      categoryCounts.push([...row.categories.entries()]);
      offsets[i] = wordCursor;
      wordIds.set(row.subjectWords, wordCursor);
      wordCursor += row.subjectWords.length;
    });
    offsets[n] = wordCursor;

    return {
      n,
      d,
      contactIds: this.contactIds,
      personaIds: this.personaIds,
      features,
      raw,
      transformed,
      titles: { vocabulary: this.titles.words, ids: titleIds },
      industries: { vocabulary: this.industries.words, ids: industryIds },
      ticketCategories: { vocabulary: this.categories.words, counts: categoryCounts },
      subjectWords: { vocabulary: this.subjects.words, offsets, ids: wordIds },
      lifecycleStages: { vocabulary: this.lifecycle.words, ids: lifecycleIds },
    };
  }
}

export function extractFeatures(contacts: Iterable<AnalysisContact>, options: FeatureOptions): ExtractedFeatures {
  const accumulator = new FeatureAccumulator(options);
  for (const contact of contacts) accumulator.add(contact);
  return accumulator.build();
}

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
