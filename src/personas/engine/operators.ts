import { compileRe2Pattern, re2SyntaxProblem } from './re2-pattern';
import type { ValueTable } from './value-table';
import { constantNumber, DAY_MS, stringKey } from './values';

/** A compiled property test: reads its column of `table` at `row` (the clock is `table.now`). */
export type PropertyPredicate = (table: ValueTable, row: number) => boolean;

export interface OperatorDefinition {
  /** Why `value` is not acceptable for this operator, or null when it is. */
  validate(value: unknown): string | null;
  /** Builds the predicate once; `value` has passed validate(). */
  compile(value: unknown, column: number): PropertyPredicate;
}

type Scalar = string | number | boolean;

const toNumber = constantNumber;

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

const expectScalar = (value: unknown): string | null => (isScalar(value) ? null : 'expected a string, a finite number or a boolean');
const expectString = (value: unknown): string | null => (typeof value === 'string' ? null : 'expected a string');
const expectNumber = (value: unknown): string | null => (isFiniteNumber(value) ? null : 'expected a finite number');
const expectDays = (value: unknown): string | null =>
  isFiniteNumber(value) && value >= 0 ? null : 'expected a finite number of days, 0 or more';
const expectScalarList = (value: unknown): string | null => {
  if (!Array.isArray(value)) return 'expected an array of strings, finite numbers or booleans';
  const bad = value.findIndex((item) => !isScalar(item));
  return bad === -1 ? null : `item ${bad} is not a string, a finite number or a boolean`;
};

/**
 * The constants of eq/in/hasAny, pre-split: numeric constants are compared as numbers with numeric
 * values, everything else as trimmed lower-case strings (a numeric value never equals a non-numeric
 * constant as a string, so the two sets never need to be consulted together).
 */
class ConstantSet {
  private readonly numbers = new Set<number>();
  private readonly strings = new Set<string>();

  constructor(values: readonly Scalar[]) {
    for (const value of values) {
      const asNumber = constantNumber(value);
      if (Number.isNaN(asNumber)) this.strings.add(stringKey(value));
      else this.numbers.add(asNumber);
    }
  }

  has(table: ValueTable, row: number, column: number): boolean {
    // Without numeric constants a numeric value can never match, so skip parsing it.
    if (this.numbers.size === 0) return this.strings.has(table.lower(row, column));
    const asNumber = table.number(row, column);
    if (!Number.isNaN(asNumber)) return this.numbers.has(asNumber);
    return this.strings.size !== 0 && this.strings.has(table.lower(row, column));
  }

  hasText(lowerText: string): boolean {
    if (this.strings.has(lowerText)) return true;
    if (this.numbers.size === 0) return false;
    const asNumber = toNumber(lowerText);
    return !Number.isNaN(asNumber) && this.numbers.has(asNumber);
  }
}

function equalsPredicate(value: Scalar, column: number, negate: boolean): PropertyPredicate {
  const set = new ConstantSet([value]);
  return (table, row) => {
    if (table.raw(row, column) === null) return negate;
    return set.has(table, row, column) !== negate;
  };
}

function inPredicate(values: readonly Scalar[], column: number, negate: boolean): PropertyPredicate {
  const set = new ConstantSet(values);
  return (table, row) => {
    if (table.raw(row, column) === null) return negate;
    return set.has(table, row, column) !== negate;
  };
}

function stringPredicate(test: (text: string, constant: string) => boolean) {
  return (value: unknown, column: number): PropertyPredicate => {
    const constant = stringKey(value as string);
    return (table, row) => table.raw(row, column) !== null && test(table.lower(row, column), constant);
  };
}

function numericPredicate(test: (n: number, constant: number) => boolean) {
  return (value: unknown, column: number): PropertyPredicate => {
    const constant = value as number;
    // NaN fails every comparison, which is the rule language's "does not parse as a number is false" (docs/rule-language.md, Conditions).
    return (table, row) => test(table.number(row, column), constant);
  };
}

export const operators: ReadonlyMap<string, OperatorDefinition> = new Map<string, OperatorDefinition>([
  ['eq', { validate: expectScalar, compile: (value, column) => equalsPredicate(value as Scalar, column, false) }],
  ['neq', { validate: expectScalar, compile: (value, column) => equalsPredicate(value as Scalar, column, true) }],
  ['in', { validate: expectScalarList, compile: (value, column) => inPredicate(value as Scalar[], column, false) }],
  ['notIn', { validate: expectScalarList, compile: (value, column) => inPredicate(value as Scalar[], column, true) }],
  ['contains', { validate: expectString, compile: stringPredicate((text, constant) => text.includes(constant)) }],
  ['startsWith', { validate: expectString, compile: stringPredicate((text, constant) => text.startsWith(constant)) }],
  ['endsWith', { validate: expectString, compile: stringPredicate((text, constant) => text.endsWith(constant)) }],
  [
    'matches',
    {
      validate(value) {
        if (typeof value !== 'string') return 'expected a string holding a regular expression';
        return re2SyntaxProblem(value);
      },
      compile(value, column) {
        const pattern = compileRe2Pattern(value as string);
        return (table, row) => {
          const text = table.raw(row, column);
          return text !== null && pattern.test(text);
        };
      },
    },
  ],
  ['gt', { validate: expectNumber, compile: numericPredicate((n, c) => n > c) }],
  ['gte', { validate: expectNumber, compile: numericPredicate((n, c) => n >= c) }],
  ['lt', { validate: expectNumber, compile: numericPredicate((n, c) => n < c) }],
  ['lte', { validate: expectNumber, compile: numericPredicate((n, c) => n <= c) }],
  [
    'between',
    {
      validate(value) {
        if (!Array.isArray(value) || value.length !== 2 || !isFiniteNumber(value[0]) || !isFiniteNumber(value[1])) {
          return 'expected [low, high] with two finite numbers';
        }
        return value[0] <= value[1] ? null : 'low must not be greater than high';
      },
      compile(value, column) {
        const [low, high] = value as [number, number];
        return (table, row) => {
          const n = table.number(row, column);
          return n >= low && n <= high;
        };
      },
    },
  ],
  [
    'exists',
    {
      validate: (value) => (typeof value === 'boolean' ? null : 'expected a boolean'),
      compile(value, column) {
        const wanted = value as boolean;
        return (table, row) => (table.raw(row, column) !== null) === wanted;
      },
    },
  ],
  [
    'withinDays',
    {
      validate: expectDays,
      compile(value, column) {
        const limit = (value as number) * DAY_MS;
        // A future date has a negative age, so it counts as within.
        return (table, row) => table.now - table.date(row, column) <= limit;
      },
    },
  ],
  [
    'olderThanDays',
    {
      validate: expectDays,
      compile(value, column) {
        const limit = (value as number) * DAY_MS;
        return (table, row) => table.now - table.date(row, column) > limit;
      },
    },
  ],
  [
    'hasAny',
    {
      validate: expectScalarList,
      compile(value, column) {
        const set = new ConstantSet(value as Scalar[]);
        return (table, row) => {
          const parts = table.parts(row, column);
          for (let i = 0; i < parts.length; i += 1) if (set.hasText(parts[i])) return true;
          return false;
        };
      },
    },
  ],
]);

/** The operator names, in the order error messages list them. */
export const operatorNames: readonly string[] = [...operators.keys()];
