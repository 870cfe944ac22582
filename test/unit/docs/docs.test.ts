import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

function headingsOf(markdown: string): Set<string> {
  return new Set(
    markdown
      .split('\n')
      .filter((l) => /^#{1,6} /.test(l))
      .map((l) => l.replace(/^#+ /, '').trim()),
  );
}

function filesUnder(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir))) {
    const rel = path.join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') continue;
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...filesUnder(rel, pattern));
    else if (pattern.test(entry)) out.push(rel);
  }
  return out;
}

describe('the documentation a clone carries', () => {
  it('links only to files that exist, from the README and every docs/ page', () => {
    const pages = ['README.md', ...filesUnder('docs', /\.md$/)];
    const broken: string[] = [];
    for (const page of pages) {
      for (const [, target] of read(page).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        if (!existsSync(path.join(ROOT, path.dirname(page), target))) broken.push(`${page} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('names only sections that exist when code cites docs/<page>.md, <Section> or "<Section>"', () => {
    const cited: string[] = [];
    for (const file of [...filesUnder('src', /\.(ts|tsx|md)$/), ...filesUnder('test', /\.(ts|json)$/)]) {
      for (const [, page, rest] of read(file).matchAll(/docs\/([\w-]+\.md),? "?([A-Z].*)$/gm)) {
        const named = [...headingsOf(read(`docs/${page}`))].some((h) => rest.startsWith(h) && !/\w/.test(rest.charAt(h.length)));
        if (!named) cited.push(`${file}: docs/${page}, ${rest}`);
      }
    }
    expect(cited).toEqual([]);
  });

  it('cites no document outside the repository', () => {
    const outside = [
      ...filesUnder('src', /\.(ts|tsx|md)$/),
      ...filesUnder('test', /\.(ts|json)$/),
      ...filesUnder('config', /\.json$/),
    ].filter((file) => file !== path.relative(ROOT, __filename) && /shared\/(spec|reference)\/|reference §/.test(read(file)));
    expect(outside).toEqual([]);
  });

  // The rule language is owned by the product specification; this repository carries a copy so a
  // clone is complete. Where the specification is present next to the repository, the copy must
  // contain it line for line (headings are one level deeper in the copy).
  const spec = path.resolve(ROOT, '../shared/spec/personas.md');
  (existsSync(spec) ? it : it.skip)('keeps docs/rule-language.md in step with the specification', () => {
    const copy = read('docs/rule-language.md')
      .split('\n')
      .map((l) => l.replace(/^#+ /, '# '));
    const missing = readFileSync(spec, 'utf8')
      .split('\n')
      .map((l) => l.replace(/^#+ /, '# '))
      .filter((l) => l.trim() && !copy.includes(l));
    expect(missing).toEqual([]);
  });
});
