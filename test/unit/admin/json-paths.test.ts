import { lineAt, locatePath, parseJson, pathSegments } from '../../../src/admin/page/editor/json-paths';

const text = `{
  "personas": [
    { "id": "a", "rules": [ { "points": 5 } ] },
    { "id": "b", "odd key": true, "profile": { "content": { "x.y": [] } } }
  ]
}`;

describe('locating engine paths in the editor text with jsonc-parser', () => {
  const parsed = parseJson(text);
  if (!parsed.ok) throw new Error('fixture must parse');
  const at = (path: string) => {
    const span = locatePath(parsed.tree, path);
    return text.slice(span.from, span.to);
  };

  it('parses like JSON.parse', () => {
    expect(parsed.value).toEqual(JSON.parse(text));
  });

  it('splits the engine path format into segments', () => {
    expect(pathSegments('personas[2].rules[0].when')).toEqual(['personas', 2, 'rules', 0, 'when']);
    expect(pathSegments('personas[1]["odd key"]')).toEqual(['personas', 1, 'odd key']);
    expect(pathSegments('')).toEqual([]);
  });

  it('finds a property by the engine path, key and value together', () => {
    expect(at('personas[0].rules[0].points')).toBe('"points": 5');
    expect(at('personas[1]')).toBe('{ "id": "b", "odd key": true, "profile": { "content": { "x.y": [] } } }');
    expect(at('personas[1]["odd key"]')).toBe('"odd key": true');
    expect(at('personas[1].profile.content["x.y"]')).toBe('"x.y": []');
    expect(lineAt(text, locatePath(parsed.tree, 'personas[1].id').from)).toBe(4);
  });

  it('falls back to the nearest existing ancestor for a missing key or index', () => {
    expect(at('personas[0].threshold')).toBe('{ "id": "a", "rules": [ { "points": 5 } ] }');
    expect(at('personas[7].name')).toBe(text.slice(text.indexOf('"personas"'), text.lastIndexOf(']') + 1));
    expect(locatePath(parsed.tree, '')).toEqual({ from: 0, to: text.length });
  });

  it('reports syntax errors with their position, and refuses what JSON refuses', () => {
    const broken = '{\n  "a": 1,\n  "b": }';
    const result = parseJson(broken);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0].message).toBe('Expected a value');
    expect(lineAt(broken, result.errors[0].span.from)).toBe(3);
    expect(parseJson('{"a": 1} 2')).toMatchObject({ ok: false, errors: [{ message: 'Unexpected text after the end' }] });
    expect(parseJson('{"a": 1,}').ok).toBe(false);
    expect(parseJson('{"a": 1 /* note */}').ok).toBe(false);
    expect(parseJson('').ok).toBe(false);
  });
});
