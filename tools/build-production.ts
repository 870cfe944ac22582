import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * `npm run build` (after `build:admin`): compiles the server to plain JavaScript in dist/ and puts
 * next to it every file the code reads at run time, so `node dist/src/main.js` needs neither tsx
 * nor TypeScript. Fails naming what is missing rather than producing a build that breaks later.
 */
const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

/** Files the running app reads beside its code (paths relative to the repository and to dist/). */
const RUNTIME_ASSETS: readonly { from: string; mustContain: readonly string[] }[] = [
  { from: 'app.json', mustContain: [] },
  { from: 'src/admin/page/dist', mustContain: ['index.html', 'admin.js', 'admin.css'] },
  { from: 'src/card-api/preview/dist', mustContain: ['card-renderer.js', 'company-card-renderer.js'] },
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

export function buildProduction(): string[] {
  const problems: string[] = [];
  for (const asset of RUNTIME_ASSETS) {
    const source = path.join(ROOT, asset.from);
    if (!existsSync(source)) problems.push(`${asset.from} is missing (run npm run build:admin)`);
    for (const file of asset.mustContain)
      if (!existsSync(path.join(source, file))) problems.push(`${asset.from}/${file} is missing (run npm run build:admin)`);
  }
  if (problems.length > 0) return problems;

  rmSync(DIST, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], {
    stdio: 'inherit',
    cwd: ROOT,
  });
  for (const asset of RUNTIME_ASSETS) cpSync(path.join(ROOT, asset.from), path.join(DIST, asset.from), { recursive: true });

  if (!existsSync(path.join(DIST, 'src', 'main.js'))) problems.push('dist/src/main.js was not produced');
  // Nothing compiled may still load TypeScript at run time.
  for (const file of filesUnder(DIST).filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(file, 'utf8');
    if (/require\("(tsx|ts-node|typescript)[/"]/.test(code) || /require\("[^"]+\.tsx?"\)/.test(code))
      problems.push(`${path.relative(ROOT, file)} loads TypeScript at run time`);
  }
  return problems;
}

if (require.main === module) {
  const problems = buildProduction();
  if (problems.length > 0) {
    process.stderr.write(`production build failed:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write('built dist/: start with NODE_ENV=production node dist/src/main.js\n');
  }
}
