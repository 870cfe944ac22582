import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURE = path.join(ROOT, 'test/fixtures/architecture');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** Runs dependency-cruiser with the project's own rules over a small tree that breaks each rule once. */
function violationsIn(dir: string): string[] {
  const json = execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
      'src',
      'tools',
      '--config',
      path.join(ROOT, '.dependency-cruiser.cjs'),
      '--output-type',
      'json',
    ],
    { cwd: dir, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  const result = JSON.parse(json) as { summary: { violations: Violation[] } };
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

jest.setTimeout(60_000);

describe('the architecture rules of `npm run lint` (.dependency-cruiser.cjs)', () => {
  it('fail on each kind of break and pass what the architecture allows', () => {
    expect(violationsIn(FIXTURE)).toEqual([
      'adapters-only-in-the-composition-root: src/beta/uses-hubspot.ts -> src/hubspot/gateway.ts',
      'adapters-only-in-the-composition-root: src/beta/uses-storage.ts -> src/storage/store.ts',
      'build-tools-stay-out-of-the-runtime: src/beta/uses-tools.ts -> tools/build.ts',
      'composition-wires-adapters-it-is-handed: src/composition/wire-builds.ts -> src/hubspot/gateway.ts',
      'engine-through-its-index: src/beta/engine-internals.ts -> src/personas/engine/operators.ts',
      // alpha/deep -> beta -> alpha is a cycle between folders although no file reaches itself
      'no-folder-cycles: src/alpha -> src/beta',
      'no-folder-cycles: src/beta -> src/alpha',
      'no-module-cycles: src/beta/loop-a.ts -> src/beta/loop-b.ts',
      'production-never-imports-the-sandbox: src/beta/uses-sandbox.ts -> src/sandbox/portal.ts',
      'sandbox-stays-separate: src/sandbox/reaches-app.ts -> src/gamma/thing.ts',
    ]);
  });
});
