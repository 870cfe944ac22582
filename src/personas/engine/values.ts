/**
 * How raw HubSpot property strings are read, exactly as docs/rule-language.md "Conditions" says under "Values, precisely".
 * Module-level regexes: nothing here builds a regex per call.
 */

const DECIMAL_LITERAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DIGITS_ONLY = /^\d+$/;

export const DAY_MS = 86_400_000;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm): no Date objects on the hot path. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** A trimmed value, or null when the property is missing, null or only white space. */
export function presentValue(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  const trimmed = (typeof raw === 'string' ? raw : String(raw)).trim();
  return trimmed === '' ? null : trimmed;
}

/** The number a trimmed value denotes, or NaN when it is not a decimal literal (`1,000`, `0x10`, `12abc`). */
export function parseNumberValue(trimmed: string): number {
  return DECIMAL_LITERAL.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** Epoch ms of a trimmed date value (digits-only = epoch ms, else ISO 8601 in UTC unless zoned), or NaN. */
export function parseDateValue(trimmed: string): number {
  if (DIGITS_ONLY.test(trimmed)) return Number(trimmed);
  return parseIsoDate(trimmed);
}

function digitAt(text: string, index: number): number {
  const code = text.charCodeAt(index) - 48;
  return code >= 0 && code <= 9 ? code : -1;
}

/** Two digits at `index` as a number, or -1. */
function twoDigits(text: string, index: number): number {
  const tens = digitAt(text, index);
  const units = digitAt(text, index + 1);
  return tens < 0 || units < 0 ? -1 : tens * 10 + units;
}

const DASH = 45;
const COLON = 58;

/**
 * `YYYY-MM-DD`, optionally `T`/space `hh:mm[:ss[.fff…]]` and a zone (`Z`, `±hh`, `±hhmm`, `±hh:mm`);
 * no zone means UTC. Hand-written so the hot path allocates nothing.
 */
function parseIsoDate(text: string): number {
  const length = text.length;
  if (length < 10 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) return Number.NaN;
  const century = twoDigits(text, 0);
  const yearInCentury = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  if (century < 0 || yearInCentury < 0 || month < 1 || month > 12 || day < 1) return Number.NaN;
  const year = century * 100 + yearInCentury;
  if (day > daysInMonth(year, month)) return Number.NaN;
  const dayStart = daysFromCivil(year, month, day) * DAY_MS;
  if (length === 10) return dayStart;

  const separator = text[10];
  if (separator !== 'T' && separator !== 't' && separator !== ' ') return Number.NaN;
  if (length < 16 || text.charCodeAt(13) !== COLON) return Number.NaN;
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  if (hour < 0 || hour > 24 || minute < 0 || minute > 59) return Number.NaN;
  let index = 16;
  let second = 0;
  let millis = 0;
  if (index < length && text.charCodeAt(index) === COLON) {
    second = twoDigits(text, index + 1);
    if (second < 0 || second > 59) return Number.NaN;
    index += 3;
    if (index < length && (text[index] === '.' || text[index] === ',')) {
      index += 1;
      const fractionStart = index;
      let scale = 100;
      while (index < length && digitAt(text, index) >= 0) {
        millis += digitAt(text, index) * scale;
        scale /= 10;
        index += 1;
      }
      if (index === fractionStart) return Number.NaN;
      millis = Math.floor(millis);
    }
  }
  if (hour === 24 && (minute !== 0 || second !== 0 || millis !== 0)) return Number.NaN;
  let offsetMinutes = 0;
  if (index < length) {
    const zone = text[index];
    if (zone === 'Z' || zone === 'z') {
      index += 1;
    } else if (zone === '+' || zone === '-') {
      const offHours = twoDigits(text, index + 1);
      if (offHours < 0 || offHours > 23) return Number.NaN;
      index += 3;
      let offMinutes = 0;
      if (index < length) {
        if (text.charCodeAt(index) === COLON) index += 1;
        offMinutes = twoDigits(text, index);
        if (offMinutes < 0 || offMinutes > 59) return Number.NaN;
        index += 2;
      }
      offsetMinutes = (zone === '-' ? -1 : 1) * (offHours * 60 + offMinutes);
    } else {
      return Number.NaN;
    }
  }
  if (index !== length) return Number.NaN;
  return dayStart + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
}

/** The key under which a constant or a property value is compared as a string. */
export function stringKey(value: string | number | boolean): string {
  return String(value).trim().toLowerCase();
}

/** The number a constant denotes for comparison (numbers as is, numeric strings parsed), or NaN. */
export function constantNumber(value: string | number | boolean): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return Number.NaN;
  return parseNumberValue(value.trim());
}
