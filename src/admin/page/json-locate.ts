/** Where each JSON value sits in the text, keyed by the engine's path format: `personas[2].rules[0].when`. */
export interface JsonLocation { start: number; end: number }

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly position: number) { super(message); }
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const childPath = (base: string, key: string | number) =>
  typeof key === 'number' ? `${base}[${key}]` : IDENT.test(key) ? (base ? `${base}.${key}` : key) : `${base}[${JSON.stringify(key)}]`;

/** Parses JSON, recording every value's (and every key's) span; throws JsonSyntaxError with the position. */
export function locateJson(text: string): { value: unknown; locations: Map<string, JsonLocation> } {
  const locations = new Map<string, JsonLocation>();
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const fail = (msg: string): never => { throw new JsonSyntaxError(msg, i); };

  function str(): string {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') { if (text[i] === '\\') i++; i++; }
    if (i >= text.length) { i = start; fail('Unterminated string'); }
    i++;
    try { return JSON.parse(text.slice(start, i)) as string; } catch { i = start; return fail('Invalid string escape'); }
  }

  function value(path: string): unknown {
    ws();
    const start = i;
    let result: unknown;
    const ch = text[i];
    if (ch === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') i++;
      else for (;;) {
        ws();
        if (text[i] !== '"') fail('Expected a property name in double quotes');
        const keyStart = i;
        const key = str();
        const p = childPath(path, key);
        ws();
        if (text[i] !== ':') fail('Expected ":" after the property name');
        i++;
        obj[key] = value(p);
        const loc = locations.get(p);
        if (loc) locations.set(p, { start: keyStart, end: loc.end });
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; break; }
        fail('Expected "," or "}"');
      }
      result = obj;
    } else if (ch === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') i++;
      else for (;;) {
        arr.push(value(childPath(path, arr.length)));
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; break; }
        fail('Expected "," or "]"');
      }
      result = arr;
    } else if (ch === '"') {
      result = str();
    } else {
      const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
      if (!m) fail(i >= text.length ? 'Unexpected end of the text' : `Unexpected character ${JSON.stringify(text[i])}`);
      i += m![0].length;
      result = JSON.parse(m![0]);
    }
    locations.set(path, { start, end: i });
    return result;
  }

  const parsed = value('');
  ws();
  if (i < text.length) fail('Unexpected text after the end of the JSON');
  return { value: parsed, locations };
}

/** The span of a path, or of its nearest ancestor that exists (a missing key points at its parent). */
export function findLocation(locations: Map<string, JsonLocation>, path: string): JsonLocation | null {
  let p = path;
  for (;;) {
    const loc = locations.get(p);
    if (loc) return loc;
    if (p === '') return null;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut <= 0 ? '' : p.slice(0, cut);
  }
}

export function lineOf(text: string, position: number): number {
  let line = 1;
  for (let k = 0; k < position && k < text.length; k++) if (text.charCodeAt(k) === 10) line++;
  return line;
}
