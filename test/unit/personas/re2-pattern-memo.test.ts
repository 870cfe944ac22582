import { compileRe2Pattern } from '../../../src/personas/engine/re2-pattern';

// Each `matches` expression remembers its answers for short values (they repeat across contacts):
// the remembered answer must always be the one RE2 gives, whatever the order and however many values.
describe('a compiled matches expression remembering its answers', () => {
  const reference = (text: string) => /\b(data|analyst)\b/i.test(text);

  it('answers a repeated value as RE2 does, ignoring case, each time', () => {
    const pattern = compileRe2Pattern('\\b(data|analyst)\\b');
    for (let round = 0; round < 3; round++) {
      expect(pattern.test('Senior Data Engineer')).toBe(true);
      expect(pattern.test('senior DATA engineer')).toBe(true);
      expect(pattern.test('Database admin')).toBe(false);
      expect(pattern.test('')).toBe(false);
    }
  });

  it('stays right past the memo size, when it starts over, and for values too long to remember', () => {
    const pattern = compileRe2Pattern('\\b(data|analyst)\\b');
    const values = Array.from({ length: 10_000 }, (_, i) => (i % 7 === 0 ? `analyst ${i}` : i % 5 === 0 ? `dataset ${i}` : `title ${i}`));
    for (const round of [1, 2])
      for (const value of values) expect({ round, value, answer: pattern.test(value) }).toEqual({ round, value, answer: reference(value) });
    const long = `${'x '.repeat(400)}data`;
    expect(pattern.test(long)).toBe(true);
    expect(pattern.test(long.replace('data', 'dat'))).toBe(false);
  });
});
