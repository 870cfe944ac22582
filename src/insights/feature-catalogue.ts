import type { PropertyBag } from '../crm/model';
import { parseDateValue, parseNumberValue, presentValue } from '../personas/engine';

type Record_ = { readonly properties: PropertyBag };

/**
 * A contact as discovery reads it: its properties, its tickets, its primary company and survey
 * responses (when synced), and its current effective persona.
 */
export interface AnalysisContact {
  readonly id: string;
  readonly email?: string;
  readonly properties: PropertyBag;
  readonly tickets: readonly Record_[];
  readonly company?: Record_ | null;
  readonly surveys?: readonly Record_[];
  readonly personaId: string | null;
}

/** A survey-response condition as a rule's `where` (all must hold). */
export type SurveyWhere = readonly ({ readonly property: string } & (
  { readonly eq: string } | { readonly between: readonly [number, number] }
))[];

/** How "more of this feature" can be written in the rule language, so clusters become draft rules. */
export type FeatureRuleHint =
  | { readonly kind: 'property'; readonly property: string }
  | { readonly kind: 'recency'; readonly properties: readonly string[] }
  | { readonly kind: 'tickets'; readonly where?: { readonly property: string; readonly value: string } }
  | { readonly kind: 'surveys'; readonly where: SurveyWhere }
  | { readonly kind: 'title-keyword'; readonly keyword: string }
  | { readonly kind: 'value-in'; readonly property: string; readonly value: string }
  | { readonly kind: 'company-value-in'; readonly property: string; readonly value: string }
  | { readonly kind: 'company-size'; readonly low: number; readonly high: number | null }
  | { readonly kind: 'none' };

export type FeatureBlock = 'behaviour' | 'email' | 'support' | 'survey' | 'title' | 'industry' | 'company-size';

export interface FeatureDescriptor {
  readonly name: string;
  /** What a marketer reads, e.g. "page views". */
  readonly label: string;
  readonly block: FeatureBlock;
  /** How raw values are shown: counts and days as numbers, rates and indicators as percentages. */
  readonly unit: 'count' | 'rate' | 'days' | 'indicator';
  readonly rule: FeatureRuleHint;
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

export const RECENCY_PROPERTIES = [
  'hs_analytics_last_visit_timestamp',
  'hs_email_last_open_date',
  'hs_email_last_click_date',
  'notes_last_updated',
];
/** Contacts with no engagement date at all count as this many days stale, so they sit at the far end, not at 0. */
export const RECENCY_CAP_DAYS = 730;

const EMPLOYEE_BANDS: readonly (readonly [number, string])[] = [
  [5, '1-5'],
  [25, '5-25'],
  [50, '25-50'],
  [100, '50-100'],
  [500, '100-500'],
  [1000, '500-1000'],
  [Infinity, '1000+'],
];

/** Bands of the primary company's `numberofemployees`, as cluster descriptions say them. */
export const COMPANY_SIZE_BANDS: readonly { readonly low: number; readonly high: number | null; readonly words: string }[] = [
  { low: 0, high: 49, words: '1–49' },
  { low: 50, high: 199, words: '50–199' },
  { low: 200, high: 999, words: '200–999' },
  { low: 1000, high: 4999, words: '1,000–4,999' },
  { low: 5000, high: null, words: '5,000+' },
];

/** A positive number from a property, else 0 (HubSpot leaves zero counters empty). */
export function numberOf(properties: PropertyBag, name: string): number {
  const value = presentValue(properties[name]);
  if (value === null) return 0;
  const parsed = parseNumberValue(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : 0;
}

/** The contact's own size band (`numberofemployees`, or the text of `numemployees`/`company_size`). */
export function contactSizeBand(properties: PropertyBag): string | null {
  const count = presentValue(properties.numberofemployees);
  if (count !== null) {
    const parsed = parseNumberValue(count);
    if (Number.isFinite(parsed) && parsed >= 0) return EMPLOYEE_BANDS.find(([limit]) => parsed <= limit)![1];
  }
  const band = presentValue(properties.numemployees) ?? presentValue(properties.company_size);
  return band === null ? null : band.toLowerCase();
}

/** Index in COMPANY_SIZE_BANDS of the primary company's size, or -1 when unknown. */
export function companySizeBand(company: Record_ | null | undefined): number {
  const value = company ? presentValue(company.properties.numberofemployees) : null;
  const parsed = value === null ? Number.NaN : parseNumberValue(value);
  if (!Number.isFinite(parsed) || parsed < 0) return -1;
  return COMPANY_SIZE_BANDS.findIndex((band) => band.high === null || parsed <= band.high);
}

/** NPS bands of a contact's latest NPS answer, as descriptions name them. */
export const NPS_BANDS = ['detractor (0–6)', 'passive (7–8)', 'promoter (9–10)'] as const;

export function npsBand(score: number): number {
  return score <= 6 ? 0 : score <= 8 ? 1 : 2;
}

/** The latest NPS answer's band (-1 without one); an undated answer counts as oldest. */
export function latestNpsBand(surveys: AnalysisContact['surveys']): number {
  let best = -1;
  let bestAt = Number.NEGATIVE_INFINITY;
  for (const survey of surveys ?? []) {
    const p = survey.properties;
    if (presentValue(p.hs_survey_type)?.toUpperCase() !== 'NPS') continue;
    const score = parseNumberValue(presentValue(p.hs_value) ?? '');
    if (!Number.isFinite(score)) continue;
    const at = parseDateValue(presentValue(p.hs_createdate) ?? '');
    const when = Number.isFinite(at) ? at : Number.NEGATIVE_INFINITY;
    if (best === -1 || when > bestAt) {
      best = npsBand(score);
      bestAt = when;
    }
  }
  return best;
}

export const NUMERIC_FEATURES: readonly FeatureDescriptor[] = [
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

const NPS: { readonly property: string; readonly eq: string } = { property: 'hs_survey_type', eq: 'NPS' };

/**
 * What contacts say, as counts of survey responses by score band and sentiment: present only when
 * the portal has survey responses at all, so portals without surveys cluster as before.
 */
export const SURVEY_FEATURES: readonly FeatureDescriptor[] = [
  {
    name: 'nps_detractor_answers',
    label: 'NPS answers ≤ 6',
    block: 'survey',
    unit: 'count',
    rule: { kind: 'surveys', where: [NPS, { property: 'hs_value', between: [0, 6] }] },
  },
  {
    name: 'nps_promoter_answers',
    label: 'NPS answers ≥ 9',
    block: 'survey',
    unit: 'count',
    rule: { kind: 'surveys', where: [NPS, { property: 'hs_value', between: [9, 10] }] },
  },
  {
    name: 'negative_survey_answers',
    label: 'survey answers with negative sentiment',
    block: 'survey',
    unit: 'count',
    rule: { kind: 'surveys', where: [{ property: 'hs_sentiment', eq: 'NEGATIVE' }] },
  },
  {
    name: 'positive_survey_answers',
    label: 'survey answers with positive sentiment',
    block: 'survey',
    unit: 'count',
    rule: { kind: 'surveys', where: [{ property: 'hs_sentiment', eq: 'POSITIVE' }] },
  },
];

/** The SURVEY_FEATURES values of one contact's responses, in that order. */
export function surveyCounts(surveys: readonly Record_[]): number[] {
  const counts = [0, 0, 0, 0];
  for (const survey of surveys) {
    const p = survey.properties;
    const type = presentValue(p.hs_survey_type)?.toUpperCase();
    const score = parseNumberValue(presentValue(p.hs_value) ?? '');
    if (type === 'NPS' && Number.isFinite(score)) {
      if (score >= 0 && score <= 6) counts[0] += 1;
      else if (score >= 9 && score <= 10) counts[1] += 1;
    }
    const sentiment = presentValue(p.hs_sentiment)?.toUpperCase();
    if (sentiment === 'NEGATIVE') counts[2] += 1;
    else if (sentiment === 'POSITIVE') counts[3] += 1;
  }
  return counts;
}
