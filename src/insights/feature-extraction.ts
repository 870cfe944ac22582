import { DAY_MS, parseDateValue, presentValue } from '../personas/engine';
import {
  type AnalysisContact,
  COMPANY_SIZE_BANDS,
  companySizeBand,
  contactSizeBand,
  type FeatureDescriptor,
  type FeatureOptions,
  latestNpsBand,
  NPS_BANDS,
  numberOf,
  NUMERIC_FEATURES,
  RECENCY_CAP_DAYS,
  RECENCY_PROPERTIES,
  SURVEY_FEATURES,
  surveyCounts,
} from './feature-catalogue';
import { contentWords, Vocabulary } from './text-tokens';

/** One categorical attribute per contact: an index into `vocabulary`, -1 when the contact has none. */
export interface ContactCategory {
  readonly vocabulary: readonly string[];
  readonly ids: Int32Array;
}

/** Words per contact, flattened: contact i's words are `ids[offsets[i]..offsets[i + 1])`. */
export interface ContactWords {
  readonly vocabulary: readonly string[];
  readonly offsets: Int32Array;
  readonly ids: Int32Array;
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
  readonly titles: ContactCategory;
  /** The contact's own `industry` property. */
  readonly industries: ContactCategory;
  /** The primary company's `industry`. */
  readonly companyIndustries: ContactCategory;
  /** The primary company's size band (COMPANY_SIZE_BANDS). */
  readonly companySizes: ContactCategory;
  /** The band of the contact's latest NPS answer (NPS_BANDS). */
  readonly npsBands: ContactCategory;
  readonly ticketCategories: { readonly vocabulary: readonly string[]; readonly counts: readonly (readonly [number, number])[][] };
  readonly subjectWords: ContactWords;
  /** Words of the contact's survey comments (free-text answers). */
  readonly commentWords: ContactWords;
  readonly lifecycleStages: ContactCategory;
}

interface ContactRow {
  readonly numeric: Float64Array;
  readonly surveys: readonly number[];
  readonly titleId: number;
  readonly titleWords: readonly number[];
  readonly industryId: number;
  readonly companyIndustryId: number;
  readonly bandId: number;
  readonly companySizeId: number;
  readonly npsBandId: number;
  readonly lifecycleId: number;
  readonly categories: Map<number, number>;
  readonly priorities: Map<number, number>;
  readonly subjectWords: readonly number[];
  readonly commentWords: readonly number[];
}

/** Words of one kind per contact, packed as ContactWords. */
function packWords(rows: readonly ContactRow[], pick: (row: ContactRow) => readonly number[], vocabulary: Vocabulary): ContactWords {
  const offsets = new Int32Array(rows.length + 1);
  let total = 0;
  for (const row of rows) total += pick(row).length;
  const ids = new Int32Array(total);
  let cursor = 0;
  rows.forEach((row, i) => {
    offsets[i] = cursor;
    ids.set(pick(row), cursor);
    cursor += pick(row).length;
  });
  offsets[rows.length] = cursor;
  return { vocabulary: vocabulary.words, offsets, ids };
}

/**
 * Turns contacts into numeric vectors in one streaming pass: contacts are reduced to compact rows
 * as they arrive (so a 100,000-contact portal never sits in memory as property bags), and the
 * categorical vocabularies (title keywords, industries, bands, ticket categories) are chosen from
 * the whole portal at build time. Survey features take part only when the portal has responses.
 */
export class FeatureAccumulator {
  private readonly rows: ContactRow[] = [];
  private readonly contactIds: string[] = [];
  private readonly personaIds: (string | null)[] = [];
  private readonly titles = new Vocabulary();
  private readonly titleWords = new Vocabulary();
  private readonly industries = new Vocabulary();
  private readonly companyIndustries = new Vocabulary();
  private readonly bands = new Vocabulary();
  private readonly lifecycle = new Vocabulary();
  private readonly categories = new Vocabulary();
  private readonly priorities = new Vocabulary();
  private readonly subjects = new Vocabulary();
  private readonly comments = new Vocabulary();
  private respondents = 0;

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
    const companyIndustry = contact.company ? presentValue(contact.company.properties.industry) : null;
    const band = contactSizeBand(p);
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
    const surveys = contact.surveys ?? [];
    if (surveys.length > 0) this.respondents += 1;
    const commentWords: number[] = [];
    for (const survey of surveys)
      for (const word of contentWords(survey.properties.hs_content)) commentWords.push(this.comments.intern(word));
    this.rows.push({
      numeric,
      surveys: surveyCounts(surveys),
      titleId: title === null ? -1 : this.titles.intern(title.toLowerCase().replace(/\s+/g, ' ')),
      titleWords: title === null ? [] : [...new Set(contentWords(title))].map((word) => this.titleWords.intern(word)),
      industryId: industry === null ? -1 : this.industries.intern(industry.toUpperCase()),
      companyIndustryId: companyIndustry === null ? -1 : this.companyIndustries.intern(companyIndustry.toUpperCase()),
      bandId: band === null ? -1 : this.bands.intern(band),
      companySizeId: companySizeBand(contact.company),
      npsBandId: latestNpsBand(surveys),
      lifecycleId: stage === null ? -1 : this.lifecycle.intern(stage.toLowerCase()),
      categories,
      priorities,
      subjectWords,
      commentWords,
    });
    this.contactIds.push(contact.id);
    this.personaIds.push(contact.personaId);
  }

  build(): ExtractedFeatures {
    const n = this.rows.length;
    const minCount = Math.max(1, Math.ceil(n * (this.options.minCategoryShare ?? 0.01)));
    const titleKeywords = this.titleWords.top(this.options.maxTitleKeywords ?? 15, minCount);
    const industries = this.industries.top(this.options.maxIndustries ?? 10, minCount);
    const companyIndustries = this.companyIndustries.top(this.options.maxIndustries ?? 10, minCount);
    const bands = this.bands.top(this.options.maxCompanySizeBands ?? 8, minCount);
    const sizeCounts = new Array<number>(COMPANY_SIZE_BANDS.length).fill(0);
    for (const row of this.rows) if (row.companySizeId >= 0) sizeCounts[row.companySizeId] += 1;
    const companySizes = COMPANY_SIZE_BANDS.map((_, id) => id).filter((id) => sizeCounts[id] >= minCount);
    const categories = this.categories.top(this.options.maxTicketCategories ?? 10, 1);
    const priorities = this.priorities.top(this.options.maxTicketPriorities ?? 5, 1);
    const surveyFeatures = this.respondents > 0 ? SURVEY_FEATURES : [];

    // Column layout: numeric, survey, then one block per categorical attribute, in this order.
    const columns: ((row: ContactRow, values: number[]) => void)[] = [];
    const features: FeatureDescriptor[] = [...NUMERIC_FEATURES, ...surveyFeatures];
    const block = (
      ids: readonly number[],
      describe: (id: number) => FeatureDescriptor,
      valuesOf: (row: ContactRow) => Iterable<[number, number]>,
    ) => {
      const start = features.length;
      const columnOf = new Map(ids.map((id, i) => [id, start + i]));
      features.push(...ids.map(describe));
      columns.push((row, out) => {
        for (const [id, value] of valuesOf(row)) {
          const column = columnOf.get(id);
          if (column !== undefined) out[column] = value;
        }
      });
    };
    const one = (id: number): [number, number][] => (id >= 0 ? [[id, 1]] : []);
    block(
      categories,
      (id) => ({
        name: `tickets_category_${this.categories.words[id].toLowerCase()}`,
        label: `${this.categories.words[id]} tickets`,
        block: 'support',
        unit: 'count',
        rule: { kind: 'tickets', where: { property: 'hs_ticket_category', value: this.categories.words[id] } },
      }),
      (row) => row.categories,
    );
    block(
      priorities,
      (id) => ({
        name: `tickets_priority_${this.priorities.words[id].toLowerCase()}`,
        label: `${this.priorities.words[id]}-priority tickets`,
        block: 'support',
        unit: 'count',
        rule: { kind: 'tickets', where: { property: 'hs_ticket_priority', value: this.priorities.words[id] } },
      }),
      (row) => row.priorities,
    );
    block(
      titleKeywords,
      (id) => ({
        name: `title_${this.titleWords.words[id]}`,
        label: `job title mentions "${this.titleWords.words[id]}"`,
        block: 'title',
        unit: 'indicator',
        rule: { kind: 'title-keyword', keyword: this.titleWords.words[id] },
      }),
      (row) => row.titleWords.map((id): [number, number] => [id, 1]),
    );
    block(
      industries,
      (id) => ({
        name: `industry_${this.industries.words[id].toLowerCase()}`,
        label: `industry ${this.industries.words[id]}`,
        block: 'industry',
        unit: 'indicator',
        rule: { kind: 'value-in', property: 'industry', value: this.industries.words[id] },
      }),
      (row) => one(row.industryId),
    );
    block(
      companyIndustries,
      (id) => ({
        name: `company_industry_${this.companyIndustries.words[id].toLowerCase()}`,
        label: `company in ${this.companyIndustries.words[id]}`,
        block: 'industry',
        unit: 'indicator',
        rule: { kind: 'company-value-in', property: 'industry', value: this.companyIndustries.words[id] },
      }),
      (row) => one(row.companyIndustryId),
    );
    block(
      bands,
      (id) => ({
        name: `company_size_${this.bands.words[id]}`,
        label: `company size ${this.bands.words[id]}`,
        block: 'company-size',
        unit: 'indicator',
        rule: { kind: 'value-in', property: 'numemployees', value: this.bands.words[id] },
      }),
      (row) => one(row.bandId),
    );
    block(
      companySizes,
      (id) => ({
        name: `company_employees_${COMPANY_SIZE_BANDS[id].low}`,
        label: `company of ${COMPANY_SIZE_BANDS[id].words} employees`,
        block: 'company-size',
        unit: 'indicator',
        rule: { kind: 'company-size', low: COMPANY_SIZE_BANDS[id].low, high: COMPANY_SIZE_BANDS[id].high },
      }),
      (row) => one(row.companySizeId),
    );

    const d = features.length;
    const raw = new Float64Array(n * d);
    const transformed = new Float64Array(n * d);
    const numericCount = NUMERIC_FEATURES.length;
    const ids = (pick: (row: ContactRow) => number) => Int32Array.from(this.rows, pick);
    const categoryCounts: (readonly [number, number])[][] = [];
    const values: number[] = new Array<number>(d);

    this.rows.forEach((row, i) => {
      const base = i * d;
      values.fill(0);
      for (let j = 0; j < numericCount; j++) values[j] = row.numeric[j];
      for (let s = 0; s < surveyFeatures.length; s++) values[numericCount + s] = row.surveys[s];
      for (const fill of columns) fill(row, values);
      for (let j = 0; j < d; j++) {
        raw[base + j] = values[j];
        const unit = features[j].unit;
        transformed[base + j] = unit === 'count' || unit === 'days' ? Math.log1p(values[j]) : values[j];
      }
      categoryCounts.push([...row.categories.entries()]);
    });

    return {
      n,
      d,
      contactIds: this.contactIds,
      personaIds: this.personaIds,
      features,
      raw,
      transformed,
      titles: { vocabulary: this.titles.words, ids: ids((r) => r.titleId) },
      industries: { vocabulary: this.industries.words, ids: ids((r) => r.industryId) },
      companyIndustries: { vocabulary: this.companyIndustries.words, ids: ids((r) => r.companyIndustryId) },
      companySizes: { vocabulary: COMPANY_SIZE_BANDS.map((band) => band.words), ids: ids((r) => r.companySizeId) },
      npsBands: { vocabulary: [...NPS_BANDS], ids: ids((r) => r.npsBandId) },
      ticketCategories: { vocabulary: this.categories.words, counts: categoryCounts },
      subjectWords: packWords(this.rows, (row) => row.subjectWords, this.subjects),
      commentWords: packWords(this.rows, (row) => row.commentWords, this.comments),
      lifecycleStages: { vocabulary: this.lifecycle.words, ids: ids((r) => r.lifecycleId) },
    };
  }
}

export function extractFeatures(contacts: Iterable<AnalysisContact>, options: FeatureOptions): ExtractedFeatures {
  const accumulator = new FeatureAccumulator(options);
  for (const contact of contacts) accumulator.add(contact);
  return accumulator.build();
}
