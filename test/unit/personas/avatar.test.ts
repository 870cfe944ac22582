import { initialsAvatarSvg } from '../../../src/personas/engine/avatar';

describe('initialsAvatarSvg', () => {
  it('renders the initials of the first and last word', () => {
    expect(initialsAvatarSvg('Olivia, Operations Leader', 'ops_leader')).toContain('>OL</text>');
    expect(initialsAvatarSvg('Sam', 'support_lead')).toContain('>S</text>');
  });

  it('is deterministic for the same name and seed', () => {
    expect(initialsAvatarSvg('Dev, Integration Engineer', 'developer')).toBe(initialsAvatarSvg('Dev, Integration Engineer', 'developer'));
  });

  it('picks colours from the seed', () => {
    const fills = new Set(['a', 'b', 'c', 'd', 'e', 'f'].map((seed) => /fill="(#[0-9a-f]+)"/.exec(initialsAvatarSvg('X', seed))![1]));

    expect(fills.size).toBeGreaterThan(1);
  });

  it('escapes markup in the name', () => {
    const svg = initialsAvatarSvg('<script>alert(1)</script> & "Co"', 'x');

    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it('falls back to a question mark for a name without letters', () => {
    expect(initialsAvatarSvg('  ', 'x')).toContain('>?</text>');
  });
});
