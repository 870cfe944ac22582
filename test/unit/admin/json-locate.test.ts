import { findLocation, JsonSyntaxError, lineOf, locateJson } from '../../../src/admin/page/json-locate';

const text = `{
  "personas": [
    { "id": "a", "rules": [ { "points": 5 } ] },
    { "id": "b", "odd key": true }
  ]
}`;

describe('locating JSON paths in the editor text', () => {
  const { value, locations } = locateJson(text);
  const at = (path: string) => { const loc = findLocation(locations, path)!; return text.slice(loc.start, loc.end); };

  it('parses like JSON.parse', () => {
    expect(value).toEqual(JSON.parse(text));
  });

  it('finds a value by the engine path, starting at its key', () => {
    expect(at('personas[0].rules[0].points')).toBe('"points": 5');
    expect(at('personas[1]')).toBe('{ "id": "b", "odd key": true }');
    expect(at('personas[1]["odd key"]')).toBe('"odd key": true');
    expect(lineOf(text, findLocation(locations, 'personas[1].id')!.start)).toBe(4);
  });

  it('falls back to the nearest existing ancestor for a missing key', () => {
    expect(at('personas[0].threshold')).toBe('{ "id": "a", "rules": [ { "points": 5 } ] }');
    expect(findLocation(locations, '')).toEqual({ start: 0, end: text.length });
  });

  it('reports a syntax error with its position', () => {
    const broken = '{\n  "a": 1,\n  "b": }';
    const error = (() => { try { locateJson(broken); return null; } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(JsonSyntaxError);
    expect(lineOf(broken, (error as JsonSyntaxError).position)).toBe(3);
    expect(() => locateJson('{"a": 1} x')).toThrow('Unexpected text after the end of the JSON');
  });
});
