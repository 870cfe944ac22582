import { escapeHtml } from '../../platform/html';

const PALETTE: readonly (readonly [string, string])[] = [
  ['#0b6e4f', '#e8f5ef'],
  ['#1f4e79', '#e6eef7'],
  ['#7a2e8e', '#f4e9f7'],
  ['#a23b2a', '#fbebe8'],
  ['#8a5a00', '#fdf3e1'],
  ['#2b5f75', '#e5f1f5'],
  ['#5a4fcf', '#eeedfb'],
  ['#3d6b1f', '#edf5e6'],
];

/** FNV-1a: a stable, dependency-free hash so the same seed always picks the same colours. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function initialsOf(name: string): string {
  const words = name
    .trim()
    .split(/[\s\-_]+/)
    .filter((word) => /[\p{L}\p{N}]/u.test(word));
  const letters = words.map((word) => [...word.replace(/^[^\p{L}\p{N}]+/u, '')][0] ?? '').filter((c) => c !== '');
  const chosen = letters.length <= 2 ? letters : [letters[0], letters[letters.length - 1]];
  return chosen.join('').toUpperCase() || '?';
}

/**
 * A deterministic 128×128 SVG avatar with the name's initials (first and last word), coloured by
 * `seed` (use the persona id), so persona photos need no external host. Serve as image/svg+xml.
 */
export function initialsAvatarSvg(name: string, seed: string): string {
  const [foreground, background] = PALETTE[hash(seed) % PALETTE.length];
  const initials = escapeHtml(initialsOf(name));
  const label = escapeHtml(name.trim() || seed);
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128" role="img"',
    ` aria-label="${label}">`,
    `<title>${label}</title>`,
    `<circle cx="64" cy="64" r="64" fill="${background}"/>`,
    `<circle cx="64" cy="64" r="60" fill="none" stroke="${foreground}" stroke-width="4"/>`,
    `<text x="64" y="64" dy="0.35em" text-anchor="middle" font-family="Helvetica, Arial, sans-serif"`,
    ` font-size="48" font-weight="600" fill="${foreground}">${initials}</text>`,
    '</svg>',
  ].join('');
}
