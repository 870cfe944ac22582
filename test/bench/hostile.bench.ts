/**
 * One admin's hostile pattern against the whole service: previews that score two contacts whose job
 * titles are 100,000 characters with `(a+)+$` (about 25 s of event-loop block per contact on a
 * backtracking engine), while another client asks /healthz without pause. Reports /healthz latency
 * during the previews against idle /healthz in the same run and against the 100 ms ceiling, and
 * RE2's cost per character on that value and on a pattern whose automaton outgrows its cache.
 * Run: npx tsx test/bench/hostile.bench.ts
 */
import { compileRe2Pattern, MAX_PATTERN_INSTRUCTIONS } from '../../src/personas/engine/re2-pattern';
import { openStorage } from '../../src/storage/connect';
import { startHostileApp } from '../hostile/support/hostile-app';
import { healthzDuringPathologicalPreview, HOSTILE_LENGTH, HOSTILE_PATTERN } from '../hostile/support/pathological-preview';

const ROUNDS = 20;
const CEILING_MS = 100;

const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

function cpuMs(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const spent = process.cpuUsage(before);
  return (spent.user + spent.system) / 1000;
}

async function main(): Promise<void> {
  const storage = await openStorage('sqlite::memory:');
  const app = await startHostileApp(storage);
  try {
    const { healthzMs, previewMs, idleHealthzMs } = await healthzDuringPathologicalPreview(app, ROUNDS);
    const worst = Math.max(...healthzMs);
    console.log(
      `Hostile pattern benchmark: Node ${process.version}, ${ROUNDS} previews of "${HOSTILE_PATTERN}" over ${app.harness.portalId}'s contacts plus two ${HOSTILE_LENGTH.toLocaleString('en-US')}-character job titles\n`,
    );
    console.log(
      `/healthz idle                 p50 ${ms(percentile(idleHealthzMs, 50))}   max ${ms(Math.max(...idleHealthzMs))}   (n=${idleHealthzMs.length})`,
    );
    console.log(
      `/healthz during the previews  p50 ${ms(percentile(healthzMs, 50))}   p99 ${ms(percentile(healthzMs, 99))}   max ${ms(worst)}   (n=${healthzMs.length})`,
    );
    console.log(`preview request               p50 ${ms(percentile(previewMs, 50))}   max ${ms(Math.max(...previewMs))}`);
    console.log(
      `worst /healthz against the ${CEILING_MS} ms ceiling: ${((worst / CEILING_MS) * 100).toFixed(0)}% of it, ${(worst / percentile(idleHealthzMs, 50)).toFixed(1)}x idle p50 -> ${worst < CEILING_MS ? 'within the ceiling' : 'OVER the ceiling'}\n`,
    );

    const hostile = `${'a'.repeat(HOSTILE_LENGTH)}!`;
    let random = '';
    let seed = 7;
    for (let i = 0; i < HOSTILE_LENGTH; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      random += seed & 0x10000 ? 'a' : 'b';
    }
    const cases: [string, string, string][] = [
      [HOSTILE_PATTERN, hostile, 'catastrophic for backtracking'],
      ['analyst|associate', hostile, 'a plain word list'],
      ['[ab]*a[ab]{20}c', random, 'automaton outgrows its cache'],
      [`a[ab]{${MAX_PATTERN_INSTRUCTIONS - 4}}c`, random, 'the same at the instruction ceiling'],
    ];
    console.log('RE2 (re2js) on one 100,000-character value, CPU time:');
    for (const [pattern, text, what] of cases) {
      const compiled = compileRe2Pattern(pattern);
      const spent = cpuMs(() => compiled.test(text));
      console.log(
        `  ${pattern.padEnd(24)} ${ms(spent).padStart(10)}  ${((spent * 1e6) / text.length).toFixed(0).padStart(6)} ns/char  (${what})`,
      );
    }
  } finally {
    await app.harness.close();
    await storage.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
