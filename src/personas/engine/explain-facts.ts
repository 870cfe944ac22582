import type { ContactWithTickets, PropertyBag } from '../../crm/model';
import { type CompiledCondition, compileCondition, type ConditionColumns, type EvalContext } from './conditions';
import type { Condition, CountComparison, PropertyCondition, RelatedCount } from './rule-set-schema';
import { DAY_MS, parseNumberValue, presentValue } from './values';

/**
 * The facts behind a rule's `company` and `surveys` conditions, in words: "primary company: Acme,
 * 5,200 employees" or "2 NPS responses ≤ 6 in the last 90 days (needs at least 1)". Computed only
 * when a contact is explained, never on the scoring path: each probe runs against the tables the
 * evaluation just loaded, plus the raw records for names the rules do not read.
 */
export type FactProbe = (ctx: EvalContext, subject: ContactWithTickets) => string;

/** One probe per `company` or `surveys` condition in the tree, in document order. */
export function compileFactProbes(condition: Condition, columns: ConditionColumns): FactProbe[] {
  const probes: FactProbe[] = [];
  collect(condition, columns, probes);
  return probes;
}

function collect(condition: Condition, columns: ConditionColumns, probes: FactProbe[]): void {
  if ('all' in condition) for (const part of condition.all) collect(part, columns, probes);
  else if ('any' in condition) for (const part of condition.any) collect(part, columns, probes);
  else if ('not' in condition) collect(condition.not, columns, probes);
  else if ('company' in condition) probes.push(companyProbe(condition.company));
  else if ('surveys' in condition) probes.push(surveysProbe(condition.surveys, columns));
}

// How the company properties reps know are said; any other property reads "name value".
const COMPANY_WORDS: Record<string, (value: string) => string> = {
  numberofemployees: (v) => `${formatNumber(v)} employees`,
  annualrevenue: (v) => `annual revenue ${formatNumber(v)}`,
  industry: (v) => `industry ${v}`,
  country: (v) => `country ${v}`,
  lifecyclestage: (v) => `lifecycle stage ${v}`,
};

function companyProbe(inner: Condition): FactProbe {
  const read = [...new Set(propertiesOf(inner))];
  return (_ctx, subject) => {
    const company = subject.company;
    if (!company) return 'no primary company known (none in HubSpot, or not synced yet)';
    const name = presentValue(company.properties.name) ?? presentValue(company.properties.domain) ?? 'unnamed';
    const facts = read.map((property) => companyFact(company.properties, property));
    return [`primary company: ${name}`, ...facts].join(', ');
  };
}

function companyFact(properties: PropertyBag, property: string): string {
  const value = presentValue(properties[property]);
  if (value === null) return `${property} unknown`;
  const words = COMPANY_WORDS[property];
  return words ? words(value) : `${property} ${value}`;
}

function surveysProbe(spec: RelatedCount, columns: ConditionColumns): FactProbe {
  const where: CompiledCondition | null = spec.where === undefined ? null : compileCondition(spec.where, columns, 'survey');
  const limit = spec.withinDays === undefined ? undefined : spec.withinDays * DAY_MS;
  const createColumn = columns.surveyCreateDate;
  const phrase = describeResponses(spec.where);
  return (ctx) => {
    const records = ctx.surveys;
    let matched = 0;
    for (let row = 0; row < records.rows; row += 1) {
      // The same window test as the condition: no parseable date is never within it.
      if (limit !== undefined && !(records.now - records.date(row, createColumn) <= limit)) continue;
      if (where === null || where(records, row, ctx)) matched += 1;
    }
    const noun = `${phrase.type ? `${phrase.type} ` : ''}response${matched === 1 ? '' : 's'}`;
    const window = spec.withinDays === undefined ? '' : ` in the last ${spec.withinDays} day${spec.withinDays === 1 ? '' : 's'}`;
    return `${matched} ${noun}${phrase.rest ? ` ${phrase.rest}` : ''}${window} (needs ${describeCount(spec.count)})`;
  };
}

const SURVEY_TYPE = 'hs_survey_type';
const SURVEY_SCORE = 'hs_value';

/** "NPS" and "≤ 6" out of `{ all: [{ hs_survey_type eq NPS }, { hs_value lte 6 }] }`; anything else in words. */
function describeResponses(where: Condition | undefined): { type: string | null; rest: string } {
  if (where === undefined) return { type: null, rest: '' };
  const parts = 'all' in where ? where.all : [where];
  let type: string | null = null;
  const rest: string[] = [];
  for (const part of parts) {
    if ('property' in part && part.property === SURVEY_TYPE && (part.eq !== undefined || part.in !== undefined) && type === null) {
      type = part.eq !== undefined ? String(part.eq) : (part.in ?? []).map(String).join('/');
    } else if ('property' in part && part.property === SURVEY_SCORE) {
      rest.push(describeProperty(part).replace(`${SURVEY_SCORE} `, ''));
    } else {
      rest.push(`with ${describeCondition(part)}`);
    }
  }
  return { type, rest: rest.join(', ') };
}

const SYMBOLS: Record<string, string> = { eq: '=', neq: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤' };

function describeProperty(condition: PropertyCondition): string {
  const [operator, value] = Object.entries(condition).find(([key]) => key !== 'property') ?? ['', undefined];
  const symbol = SYMBOLS[operator];
  if (symbol) return `${condition.property} ${symbol} ${String(value)}`;
  if (operator === 'between' && Array.isArray(value)) return `${condition.property} between ${value[0]} and ${value[1]}`;
  if (operator === 'exists') return `${condition.property} ${value ? 'is set' : 'is not set'}`;
  if (Array.isArray(value))
    return `${condition.property} ${operator === 'notIn' ? 'not in' : operator === 'hasAny' ? 'has any of' : 'in'} ${value.map(String).join(', ')}`;
  return `${condition.property} ${operator} ${JSON.stringify(value)}`;
}

function describeCondition(condition: Condition): string {
  if ('all' in condition) return condition.all.map(describeCondition).join(' and ');
  if ('any' in condition) return `(${condition.any.map(describeCondition).join(' or ')})`;
  if ('not' in condition) return `not ${describeCondition(condition.not)}`;
  if ('property' in condition) return describeProperty(condition);
  return 'a related-record condition';
}

function describeCount(count: CountComparison): string {
  if ('eq' in count) return `exactly ${count.eq}`;
  if ('neq' in count) return `any number but ${count.neq}`;
  if ('gt' in count) return `more than ${count.gt}`;
  if ('gte' in count) return `at least ${count.gte}`;
  if ('lt' in count) return `fewer than ${count.lt}`;
  if ('lte' in count) return `at most ${count.lte}`;
  return `between ${count.between[0]} and ${count.between[1]}`;
}

function propertiesOf(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(propertiesOf);
  if ('any' in condition) return condition.any.flatMap(propertiesOf);
  if ('not' in condition) return propertiesOf(condition.not);
  if ('property' in condition) return [condition.property];
  return [];
}

/** "5200" → "5,200"; a value that is not a number is shown as HubSpot holds it. */
function formatNumber(value: string): string {
  const n = parseNumberValue(value);
  return Number.isFinite(n) ? n.toLocaleString('en-US') : value;
}
