import { operators } from './operators';
import type { Condition, CountComparison, PropertyCondition, RelatedCount } from './rule-set-schema';
import type { ValueTable } from './value-table';
import { DAY_MS } from './values';

/**
 * The state one evaluation runs against: the contact (row 0), its tickets and survey responses (one
 * row each), its primary company (row 0, or no rows when there is none or it is unknown), and the
 * results of contact conditions that occur more than once in the rule set, valid while
 * `memoStamp[slot] === memoGeneration`.
 */
export interface EvalContext {
  contact: ValueTable;
  tickets: ValueTable;
  surveys: ValueTable;
  company: ValueTable;
  memoGeneration: number;
  memoStamp: Int32Array;
  memoValue: Uint8Array;
}

/**
 * A compiled condition. `table` and `row` are the record tested in the condition's own scope (the
 * contact table and row 0, a ticket's or survey response's row inside a `where`, or the company
 * table's row 0 inside a company condition), so a
 * property test is the operator's predicate itself, with no wrapper call.
 */
export type CompiledCondition = (table: ValueTable, row: number, ctx: EvalContext) => boolean;

/** Assigns one column per distinct property name, in order of first use. */
export class PropertyColumns {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  column(name: string): number {
    let column = this.index.get(name);
    if (column === undefined) {
      column = this.names.length;
      this.names.push(name);
      this.index.set(name, column);
    }
    return column;
  }
}

/** The record kinds a condition's properties can be read from. */
export type Scope = 'contact' | 'ticket' | 'survey' | 'company';

export interface ConditionColumns {
  contact: PropertyColumns;
  ticket: PropertyColumns;
  survey: PropertyColumns;
  company: PropertyColumns;
  /** Column of `createdate` among ticket properties. */
  ticketCreateDate: number;
  /** Column of `hs_createdate` among survey response properties. */
  surveyCreateDate: number;
  /** Keys (conditionKey) of contact conditions that occur more than once; see countContactConditions. */
  repeated: ReadonlySet<string>;
  /** Memo slot of each repeated condition, filled while compiling. */
  memoSlots: Map<string, number>;
}

/** Identity of a condition: equal keys mean equal results for the same contact. */
export function conditionKey(condition: Condition): string {
  return JSON.stringify(condition);
}

/** Counts every contact-scope condition (sub-trees included) by key, to find the repeated ones. */
export function countContactConditions(condition: Condition, counts: Map<string, number>): void {
  const key = conditionKey(condition);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  if ('all' in condition) for (const part of condition.all) countContactConditions(part, counts);
  else if ('any' in condition) for (const part of condition.any) countContactConditions(part, counts);
  else if ('not' in condition) countContactConditions(condition.not, counts);
}

const ALWAYS: CompiledCondition = () => true;
const NEVER: CompiledCondition = () => false;

/**
 * Compiles a validated condition into a closure tree. An operator that is not in the registry
 * cannot pass validation; if one arrives anyway the condition fails closed (is false).
 */
export function compileCondition(condition: Condition, columns: ConditionColumns, scope: Scope): CompiledCondition {
  const compiled = compileNode(condition, columns, scope);
  if (scope !== 'contact') return compiled;
  const key = conditionKey(condition);
  if (!columns.repeated.has(key)) return compiled;
  // The same condition in several rules or personas is evaluated once per contact.
  let slot = columns.memoSlots.get(key);
  if (slot === undefined) {
    slot = columns.memoSlots.size;
    columns.memoSlots.set(key, slot);
  }
  const memo = slot;
  return (table, row, ctx) => {
    if (ctx.memoStamp[memo] === ctx.memoGeneration) return ctx.memoValue[memo] === 1;
    const result = compiled(table, row, ctx);
    ctx.memoStamp[memo] = ctx.memoGeneration;
    ctx.memoValue[memo] = result ? 1 : 0;
    return result;
  };
}

function compileNode(condition: Condition, columns: ConditionColumns, scope: Scope): CompiledCondition {
  if ('all' in condition) {
    const parts = condition.all.map((part) => compileCondition(part, columns, scope));
    if (parts.length === 0) return ALWAYS;
    if (parts.length === 1) return parts[0];
    if (parts.length === 2) {
      const [a, b] = parts;
      return (table, row, ctx) => a(table, row, ctx) && b(table, row, ctx);
    }
    return (table, row, ctx) => {
      for (let i = 0; i < parts.length; i += 1) if (!parts[i](table, row, ctx)) return false;
      return true;
    };
  }
  if ('any' in condition) {
    const parts = condition.any.map((part) => compileCondition(part, columns, scope));
    if (parts.length === 0) return NEVER;
    if (parts.length === 1) return parts[0];
    if (parts.length === 2) {
      const [a, b] = parts;
      return (table, row, ctx) => a(table, row, ctx) || b(table, row, ctx);
    }
    return (table, row, ctx) => {
      for (let i = 0; i < parts.length; i += 1) if (parts[i](table, row, ctx)) return true;
      return false;
    };
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not, columns, scope);
    return (table, row, ctx) => !inner(table, row, ctx);
  }
  if ('tickets' in condition) {
    return compileRelatedCount(condition.tickets, compileWhere(condition.tickets, columns, 'ticket'), columns.ticketCreateDate, ticketsOf);
  }
  if ('surveys' in condition) {
    return compileRelatedCount(condition.surveys, compileWhere(condition.surveys, columns, 'survey'), columns.surveyCreateDate, surveysOf);
  }
  if ('company' in condition) {
    const inner = compileCondition(condition.company, columns, 'company');
    // No row: no primary company, or one the app has not synced; false whatever the inner condition.
    return (_table, _row, ctx) => ctx.company.rows > 0 && inner(ctx.company, 0, ctx);
  }
  return compileProperty(condition, columns, scope);
}

function compileProperty(condition: PropertyCondition, columns: ConditionColumns, scope: Scope): CompiledCondition {
  const operatorKeys = Object.keys(condition).filter((key) => key !== 'property');
  const definition = operatorKeys.length === 1 ? operators.get(operatorKeys[0]) : undefined;
  if (definition === undefined) return NEVER;
  const value = (condition as unknown as Record<string, unknown>)[operatorKeys[0]];
  if (definition.validate(value) !== null) return NEVER;
  const scopeColumns = columns[scope];
  return definition.compile(value, scopeColumns.column(condition.property));
}

function compileCount(count: CountComparison): (n: number) => boolean {
  if ('eq' in count) return (n) => n === count.eq;
  if ('neq' in count) return (n) => n !== count.neq;
  if ('gt' in count) return (n) => n > count.gt;
  if ('gte' in count) return (n) => n >= count.gte;
  if ('lt' in count) return (n) => n < count.lt;
  if ('lte' in count) return (n) => n <= count.lte;
  if ('between' in count) {
    const [low, high] = count.between;
    return (n) => n >= low && n <= high;
  }
  return () => false;
}

const ticketsOf = (ctx: EvalContext): ValueTable => ctx.tickets;
const surveysOf = (ctx: EvalContext): ValueTable => ctx.surveys;

function compileWhere(spec: RelatedCount, columns: ConditionColumns, scope: Scope): CompiledCondition {
  return spec.where === undefined ? ALWAYS : compileCondition(spec.where, columns, scope);
}

function compileRelatedCount(
  spec: RelatedCount,
  matchesWhere: CompiledCondition,
  createColumn: number,
  recordsOf: (ctx: EvalContext) => ValueTable,
): CompiledCondition {
  const limit = spec.withinDays === undefined ? undefined : spec.withinDays * DAY_MS;
  const accept = compileCount(spec.count);
  return (_table, _row, ctx) => {
    const records = recordsOf(ctx);
    const rows = records.rows;
    const now = records.now;
    let matched = 0;
    for (let row = 0; row < rows; row += 1) {
      // NaN (no parseable creation date) fails the comparison: never within the window.
      if (limit !== undefined && !(now - records.date(row, createColumn) <= limit)) continue;
      if (matchesWhere(records, row, ctx)) matched += 1;
    }
    return accept(matched);
  };
}
