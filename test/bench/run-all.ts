import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * `npm run bench` runs every test/bench/*.bench.ts in its own process (so one bench's heap and
 * timers never skew the next); `npm run bench -- engine sync` runs the named ones. Everything from
 * the first `--flag` on is passed to each bench (`npm run bench -- committee --contacts 5000`).
 */
const dir = __dirname;
const args = process.argv.slice(2).filter((a) => a !== '--');
const firstFlag = args.findIndex((a) => a.startsWith('--'));
const wanted = firstFlag < 0 ? args : args.slice(0, firstFlag);
const passed = firstFlag < 0 ? [] : args.slice(firstFlag);
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const chosen = wanted.length === 0 ? all : all.filter((f) => wanted.some((w) => f === `${w}.bench.ts` || f.startsWith(w)));
if (chosen.length === 0) {
  console.error(`No benchmark matches ${wanted.join(', ')}. Available: ${all.map((f) => f.replace('.bench.ts', '')).join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const file of chosen) {
  console.log(`\n━━━ ${file.replace('.bench.ts', '')} ━━━`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, file), ...passed], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
