import { parseDateValue, parseNumberValue, presentValue } from '../../../src/personas/engine/values';

describe('presentValue', () => {
  it.each([
    [undefined, null],
    [null, null],
    ['', null],
    [' \t\n', null],
    ['  x ', 'x'],
  ])('reads %p as %p', (raw, expected) => {
    expect(presentValue(raw)).toBe(expected);
  });
});

describe('parseNumberValue', () => {
  it.each([
    ['12', 12],
    ['-3.5', -3.5],
    ['+7', 7],
    ['.5', 0.5],
    ['12.', 12],
    ['1e3', 1000],
    ['1E-2', 0.01],
  ])('reads the decimal literal %s', (text, expected) => {
    expect(parseNumberValue(text)).toBe(expected);
  });

  it.each(['12abc', '0x10', '1,000', '', '.', '-', 'e3', '1e', 'Infinity', 'NaN', '1 000', '0b101'])(
    'does not read %p as a number',
    (text) => {
      expect(parseNumberValue(text)).toBeNaN();
    },
  );
});

describe('parseDateValue', () => {
  it('agrees with the platform for every ISO instant it prints, across leap years and centuries', () => {
    const mismatches: string[] = [];
    for (let at = Date.UTC(1600, 0, 1); at < Date.UTC(2400, 0, 1); at += 3 * 86_400_000 + 3_723_004) {
      const iso = new Date(at).toISOString();
      const zoned = `${iso.slice(0, 19)}+05:30`;
      if (parseDateValue(iso) !== at) mismatches.push(iso);
      if (parseDateValue(iso.slice(0, 10)) !== Date.parse(iso.slice(0, 10))) mismatches.push(iso.slice(0, 10));
      if (parseDateValue(zoned) !== Date.parse(zoned)) mismatches.push(zoned);
    }
    expect(mismatches).toEqual([]);
  });

  it.each([
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['2000-02-29', Date.UTC(2000, 1, 29)],
    ['2026-06-14T12:00', Date.UTC(2026, 5, 14, 12)],
    ['2026-06-14t12:00:00z', Date.UTC(2026, 5, 14, 12)],
    ['2026-06-14T12:00:00.1239Z', Date.UTC(2026, 5, 14, 12, 0, 0, 123)],
    ['2026-06-14T12:00:00,5Z', Date.UTC(2026, 5, 14, 12, 0, 0, 500)],
    ['2026-06-14T12:00:00+0200', Date.UTC(2026, 5, 14, 10)],
    ['2026-06-14T12:00:00-02', Date.UTC(2026, 5, 14, 14)],
    ['2026-06-14T24:00:00Z', Date.UTC(2026, 5, 15)],
    ['1781524800000', 1781524800000],
    ['0', 0],
  ])('reads %s', (text, expected) => {
    expect(parseDateValue(text)).toBe(expected);
  });

  it.each([
    '2023-02-29',
    '1900-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-6-14',
    '2026-06-14T12',
    '2026-06-14T12:60',
    '2026-06-14T25:00',
    '2026-06-14T24:00:01Z',
    '2026-06-14T12:00:00.Z',
    '2026-06-14T12:00:00+2',
    '2026-06-14T12:00:00+24:00',
    '2026-06-14T12:00:00Zx',
    '2026-06-14x',
    '+2026-06-14',
    '-1000',
    '1.5e12',
    'June 14, 2026',
    '14/06/2026',
  ])('does not read %p as a date', (text) => {
    expect(parseDateValue(text)).toBeNaN();
  });
});
