import type { ContactWithTickets, PropertyBag } from '../../src/crm/model';
import type { Condition, RuleSet } from '../../src/personas/engine/rule-set-schema';
import { parseDateValue, parseNumberValue } from '../../src/personas/engine/values';

/**
 * A deliberately naive reading of docs/rule-language.md: re-parses every value on every test and
 * builds regexes on the fly. Property-based tests compare the compiled engine against it.
 */
const DAY = 86_400_000;

function present(bag: PropertyBag, name: string): string | null {
  const value = bag[name];
  if (value === null || value === undefined || value.trim() === '') return null;
  return value.trim();
}

function num(text: string | number | boolean): number {
  if (typeof text === 'number') return text;
  if (typeof text === 'boolean') return Number.NaN;
  return parseNumberValue(text.trim());
}

function same(value: string, constant: string | number | boolean): boolean {
  const a = num(value);
  const b = num(constant);
  if (!Number.isNaN(a) && !Number.isNaN(b)) return a === b;
  return value.trim().toLowerCase() === String(constant).trim().toLowerCase();
}

/** The records around the one being tested: what `tickets`, `surveys` and `company` read. */
export interface ReferenceRelated {
  readonly tickets: readonly PropertyBag[];
  readonly surveys: readonly PropertyBag[];
  /** The primary company's properties; null when there is none or it is not known. */
  readonly company: PropertyBag | null;
}

const NOTHING_RELATED: ReferenceRelated = { tickets: [], surveys: [], company: null };

function countHolds(count: object, n: number): boolean {
  const [op, operand] = Object.entries(count)[0] as [string, number | [number, number]];
  switch (op) {
    case 'eq':
      return n === operand;
    case 'neq':
      return n !== operand;
    case 'gt':
      return n > (operand as number);
    case 'gte':
      return n >= (operand as number);
    case 'lt':
      return n < (operand as number);
    case 'lte':
      return n <= (operand as number);
    default:
      return n >= (operand as [number, number])[0] && n <= (operand as [number, number])[1];
  }
}

function countRelated(
  records: readonly PropertyBag[],
  dateProperty: string,
  spec: { where?: Condition; withinDays?: number; count: object },
  now: number,
): boolean {
  const n = records.filter((record) => {
    if (spec.withinDays !== undefined) {
      const created = present(record, dateProperty);
      if (created === null) return false;
      const date = parseDateValue(created);
      if (Number.isNaN(date) || now - date > spec.withinDays * DAY) return false;
    }
    return spec.where === undefined || referenceCondition(spec.where, record, NOTHING_RELATED, now);
  }).length;
  return countHolds(spec.count, n);
}

export function referenceCondition(condition: Condition, bag: PropertyBag, related: ReferenceRelated, now: number): boolean {
  if ('all' in condition) return condition.all.every((c) => referenceCondition(c, bag, related, now));
  if ('any' in condition) return condition.any.some((c) => referenceCondition(c, bag, related, now));
  if ('not' in condition) return !referenceCondition(condition.not, bag, related, now);
  if ('tickets' in condition) return countRelated(related.tickets, 'createdate', condition.tickets, now);
  if ('surveys' in condition) return countRelated(related.surveys, 'hs_createdate', condition.surveys, now);
  if ('company' in condition) {
    return related.company !== null && referenceCondition(condition.company, related.company, NOTHING_RELATED, now);
  }
  const [op, operand] = Object.entries(condition).find(([key]) => key !== 'property') as [string, unknown];
  const value = present(bag, condition.property);
  if (value === null) return op === 'neq' || op === 'notIn' || (op === 'exists' && operand === false);
  const lower = value.toLowerCase();
  switch (op) {
    case 'eq':
      return same(value, operand as string);
    case 'neq':
      return !same(value, operand as string);
    case 'in':
      return (operand as string[]).some((c) => same(value, c));
    case 'notIn':
      return !(operand as string[]).some((c) => same(value, c));
    case 'contains':
      return lower.includes((operand as string).trim().toLowerCase());
    case 'startsWith':
      return lower.startsWith((operand as string).trim().toLowerCase());
    case 'endsWith':
      return lower.endsWith((operand as string).trim().toLowerCase());
    case 'matches':
      return new RegExp(operand as string, 'i').test(value);
    case 'gt':
      return num(value) > (operand as number);
    case 'gte':
      return num(value) >= (operand as number);
    case 'lt':
      return num(value) < (operand as number);
    case 'lte':
      return num(value) <= (operand as number);
    case 'between':
      return num(value) >= (operand as number[])[0] && num(value) <= (operand as number[])[1];
    case 'exists':
      return operand === true;
    case 'withinDays':
      return now - parseDateValue(value) <= (operand as number) * DAY;
    case 'olderThanDays':
      return now - parseDateValue(value) > (operand as number) * DAY;
    case 'hasAny':
      return value
        .split(';')
        .filter((part) => part.trim() !== '')
        .some((part) => (operand as string[]).some((c) => same(part, c)));
    default:
      return false;
  }
}

/** Scores by the reference reading: persona id → score. */
export function referenceScores(ruleSet: RuleSet, contact: ContactWithTickets, now: number): Map<string, number> {
  const related: ReferenceRelated = {
    tickets: contact.tickets.map((ticket) => ticket.properties),
    surveys: (contact.surveys ?? []).map((survey) => survey.properties),
    company: contact.company ? contact.company.properties : null,
  };
  return new Map(
    ruleSet.personas.map((persona) => [
      persona.id,
      persona.rules.reduce((sum, rule) => (referenceCondition(rule.when, contact.properties, related, now) ? sum + rule.points : sum), 0),
    ]),
  );
}
