import { parse as parseCsv } from 'csv-parse/sync';

/**
 * Reading a pilot-results file into raw records, each with the line it starts on: format detection,
 * CSV and JSON readers, column aliases, and the JSON error locator. Validating the rows is pilot-import.ts's job.
 */

export interface PilotImportError {
  /** 1-based line of the file (the header is line 1 in a CSV). */
  readonly line: number;
  readonly message: string;
}

const COLUMN_ALIASES: Readonly<Record<string, 'contactId' | 'email' | 'variant' | 'outcome' | 'value'>> = {
  contact_id: 'contactId',
  contactid: 'contactId',
  hs_object_id: 'contactId',
  id: 'contactId',
  vid: 'contactId',
  email: 'email',
  contact_email: 'email',
  variant: 'variant',
  message: 'variant',
  arm: 'variant',
  outcome: 'outcome',
  event: 'outcome',
  value: 'value',
  converted_flag: 'value',
};

function canonicalColumn(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

export function detectFormat(fileName: string, content: string): 'csv' | 'json' {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.csv')) return 'csv';
  const first = content.trimStart().charAt(0);
  return first === '[' || first === '{' ? 'json' : 'csv';
}

/** Line of the character at `offset`. */
function lineAt(content: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < content.length; i++) if (content.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Start line of each element of the arrays found at depth `arrayDepth` (1 for a top-level array,
 * 2 for `{ "rows": [...] }`, where `rows` is assumed to be the wrapper's only array), so JSON
 * errors can name a line like CSV errors do.
 */
function elementLines(content: string, arrayDepth: number): number[] {
  const lines: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < content.length; i++) {
    const ch = content[i];
    if (ch === '\n') line++;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') continue;
    if (expectElement && ch !== ']') {
      lines.push(line);
      expectElement = false;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') {
      depth++;
      if (ch === '[' && depth === arrayDepth) expectElement = true;
    } else if (ch === ']' || ch === '}') {
      depth--;
      expectElement = false;
    } else if (ch === ',' && depth === arrayDepth) expectElement = true;
  }
  return lines;
}

export interface RawRecord {
  readonly line: number;
  readonly fields: Record<string, unknown>;
}

export function readCsv(content: string, errors: PilotImportError[]): RawRecord[] {
  let parsed: { record: Record<string, string>; info: { lines: number } }[];
  try {
    parsed = parseCsv(content, {
      columns: (header: string[]) => header.map(canonicalColumn),
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      info: true,
    }) as { record: Record<string, string>; info: { lines: number } }[];
  } catch (error) {
    const failure = error as { lines?: number; message?: string };
    errors.push({ line: failure.lines ?? 1, message: `the file is not valid CSV: ${failure.message ?? String(error)}` });
    return [];
  }
  if (parsed.length > 0) {
    const columns = Object.keys(parsed[0].record);
    const known = new Set(columns.map((column) => COLUMN_ALIASES[column]).filter(Boolean));
    const missing: string[] = [];
    if (!known.has('contactId') && !known.has('email')) missing.push('contact_id or email');
    if (!known.has('variant')) missing.push('variant (or message)');
    if (!known.has('outcome')) missing.push('outcome');
    if (missing.length > 0) {
      errors.push({ line: 1, message: `the header lacks ${missing.join(', ')} (found: ${columns.join(', ')})` });
      return [];
    }
  }
  return parsed.map(({ record, info }) => {
    const fields: Record<string, unknown> = {};
    let embeddedNewlines = 0;
    for (const [column, value] of Object.entries(record)) {
      embeddedNewlines += (value.match(/\n/g) ?? []).length;
      const key = COLUMN_ALIASES[column];
      if (key && (fields[key] === undefined || fields[key] === '')) fields[key] = value;
    }
    return { line: info.lines - embeddedNewlines, fields };
  });
}

/**
 * Offset of the first JSON syntax error. Node 20's JSON.parse does not always say where it
 * failed, and an error that names no line is little help in a 50,000-row file.
 */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const space = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const literal = (word: string) => {
    for (const ch of word)
      if (text[i++] !== ch) {
        i--;
        fail();
      }
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      if (text[i] === '\\') i++;
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (!match) fail();
    i += match![0].length;
  };
  const value = (): void => {
    space();
    const ch = text[i];
    if (ch === '{') {
      i++;
      space();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail();
        string();
        space();
        if (text[i] !== ':') fail();
        i++;
        value();
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail();
      }
    }
    if (ch === '[') {
      i++;
      space();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail();
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    number();
  };
  try {
    value();
    space();
    if (i < text.length) fail();
  } catch (offset) {
    if (typeof offset === 'number') return Math.min(offset, text.length);
    throw offset;
  }
  return text.length;
}

export function readJson(content: string, errors: PilotImportError[]): RawRecord[] {
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    errors.push({ line: lineAt(content, jsonErrorOffset(content)), message: `the file is not valid JSON: ${message}` });
    return [];
  }
  const wrapped = typeof document === 'object' && document !== null && !Array.isArray(document);
  const items = wrapped ? (document as Record<string, unknown>).rows : document;
  if (!Array.isArray(items)) {
    errors.push({ line: 1, message: 'expected a JSON array of rows, or an object with a "rows" array' });
    return [];
  }
  const lines = elementLines(content, wrapped ? 2 : 1);
  return items.map((item, index) => {
    const line = lines[index] ?? 1;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return { line, fields: { __notObject: true } };
    }
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(item as Record<string, unknown>)) {
      const canonical = COLUMN_ALIASES[canonicalColumn(key)];
      if (canonical && fields[canonical] === undefined) fields[canonical] = value;
    }
    return { line, fields };
  });
}
