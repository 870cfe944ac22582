import type { PropertyBag } from '../../crm/model';
import { parseDateValue, parseNumberValue, presentValue } from './values';

const NOT_LOADED = 0;
// Local bindings: some loaders compile imports to getter calls, which this hot path should not pay for.
const present = presentValue;
const parseNumber = parseNumberValue;
const parseDate = parseDateValue;

/**
 * Per-evaluation cache of interpreted property values, one row per record (the contact, or each of
 * its tickets) and one column per property the compiled rules read. Each value is trimmed,
 * lower-cased, parsed as a number, parsed as a date or split on `;` at most once per record, however
 * many rules read it. Reset is O(1): a generation counter invalidates every cached cell, so no
 * per-evaluation allocation happens once the table is large enough.
 *
 * Not re-entrant: one table belongs to one compiled rule set, and evaluation is synchronous.
 */
export class ValueTable {
  readonly width: number;
  /** The evaluation clock (epoch ms) that date operators compare against. */
  now = 0;
  private readonly names: readonly string[];
  /** Columns whose name is also an Object.prototype member ("constructor", "toString"…): read own properties only. */
  private readonly guarded: readonly boolean[];
  private bags: readonly { readonly properties: PropertyBag }[] = [];
  private rowCount = 0;
  private generation = 1;
  private capacity = 0;
  private rawStamp = new Int32Array(0);
  private rawValue: (string | null)[] = [];
  private lowerStamp = new Int32Array(0);
  private lowerValue: string[] = [];
  private numberStamp = new Int32Array(0);
  private numberValue = new Float64Array(0);
  private dateStamp = new Int32Array(0);
  private dateValue = new Float64Array(0);
  private partsStamp = new Int32Array(0);
  private partsValue: string[][] = [];

  constructor(names: readonly string[]) {
    this.names = names;
    this.width = names.length;
    this.guarded = names.map((name) => name in Object.prototype);
    this.ensureRows(1);
  }

  /** Loads the records to evaluate; previous values are forgotten. */
  load(records: readonly { readonly properties: PropertyBag }[]): void {
    this.bags = records;
    this.rowCount = records.length;
    this.ensureRows(records.length);
    this.generation += 1;
    if (this.generation === 0x7fffffff) this.resetStamps();
  }

  get rows(): number {
    return this.rowCount;
  }

  /** Trimmed value, or null when empty. */
  raw(row: number, column: number): string | null {
    const cell = row * this.width + column;
    if (this.rawStamp[cell] !== this.generation) {
      const bag = this.bags[row].properties;
      const name = this.names[column];
      this.rawValue[cell] = this.guarded[column] && !Object.hasOwn(bag, name) ? null : present(bag[name]);
      this.rawStamp[cell] = this.generation;
    }
    return this.rawValue[cell];
  }

  /** Trimmed lower-cased value for case-insensitive comparison; only call when raw() is non-null. */
  lower(row: number, column: number): string {
    const cell = row * this.width + column;
    if (this.lowerStamp[cell] !== this.generation) {
      const value = this.raw(row, column);
      this.lowerValue[cell] = value === null ? '' : value.toLowerCase();
      this.lowerStamp[cell] = this.generation;
    }
    return this.lowerValue[cell];
  }

  /** The value as a number, NaN when empty or not a decimal literal. */
  number(row: number, column: number): number {
    const cell = row * this.width + column;
    if (this.numberStamp[cell] !== this.generation) {
      const value = this.raw(row, column);
      this.numberValue[cell] = value === null ? Number.NaN : parseNumber(value);
      this.numberStamp[cell] = this.generation;
    }
    return this.numberValue[cell];
  }

  /** The value as epoch ms, NaN when empty or not a date. */
  date(row: number, column: number): number {
    const cell = row * this.width + column;
    if (this.dateStamp[cell] !== this.generation) {
      const value = this.raw(row, column);
      this.dateValue[cell] = value === null ? Number.NaN : parseDate(value);
      this.dateStamp[cell] = this.generation;
    }
    return this.dateValue[cell];
  }

  /** The `;`-separated values, trimmed and lower-cased, without empty pieces. */
  parts(row: number, column: number): readonly string[] {
    const cell = row * this.width + column;
    if (this.partsStamp[cell] !== this.generation) {
      const value = this.raw(row, column);
      const pieces: string[] = [];
      if (value !== null) {
        for (const piece of value.split(';')) {
          const trimmed = piece.trim();
          if (trimmed !== '') pieces.push(trimmed.toLowerCase());
        }
      }
      this.partsValue[cell] = pieces;
      this.partsStamp[cell] = this.generation;
    }
    return this.partsValue[cell];
  }

  private ensureRows(rows: number): void {
    const needed = Math.max(1, rows) * this.width;
    if (needed <= this.capacity) return;
    const capacity = Math.max(needed, this.capacity * 2, 8);
    this.rawStamp = grow(this.rawStamp, capacity);
    this.lowerStamp = grow(this.lowerStamp, capacity);
    this.numberStamp = grow(this.numberStamp, capacity);
    this.dateStamp = grow(this.dateStamp, capacity);
    this.partsStamp = grow(this.partsStamp, capacity);
    const numbers = new Float64Array(capacity);
    numbers.set(this.numberValue);
    this.numberValue = numbers;
    const dates = new Float64Array(capacity);
    dates.set(this.dateValue);
    this.dateValue = dates;
    this.capacity = capacity;
  }

  private resetStamps(): void {
    this.rawStamp.fill(NOT_LOADED);
    this.lowerStamp.fill(NOT_LOADED);
    this.numberStamp.fill(NOT_LOADED);
    this.dateStamp.fill(NOT_LOADED);
    this.partsStamp.fill(NOT_LOADED);
    this.generation = 1;
  }
}

function grow(stamps: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(capacity);
  next.set(stamps);
  return next;
}
