import defaultRuleSet from '../../../config/personas.json';
import { runInsightsCommand } from '../../../src/insights/insights-cli';
import { InsightsService } from '../../../src/insights/insights-service';
import { renderPilotImportResult } from '../../../src/insights/render-report';
import { compileRuleSet } from '../../../src/personas/engine/compile-rule-set';
import { validateRuleSet } from '../../../src/personas/engine/validate-rule-set';
import { fakeInsightsDeps } from './support/memory-insights-ports';
import { plantedPortal } from './support/planted-data';

const PORTAL = 31;

function cli(files: Record<string, string> = {}) {
  const validation = validateRuleSet(defaultRuleSet);
  if (!validation.ok) throw new Error('invalid default rule set');
  const planted = plantedPortal(12, 600);
  const engine = compileRuleSet(validation.ruleSet);
  const deps = fakeInsightsDeps(planted.portal.referenceTime);
  deps.contacts.set(
    PORTAL,
    planted.contacts.map((c) => {
      const assignment = engine.assign(c, planted.portal.referenceTime);
      return { ...c, personaId: assignment.assigned ? assignment.personaId : null };
    }),
  );
  deps.ruleSets.set(PORTAL, validation.ruleSet);
  const service = new InsightsService({ ...deps, config: { discovery: { fitSampleSize: 400, silhouetteSampleSize: 300, restarts: 2 } } });
  let output = '';
  const run = (argv: string[]) =>
    runInsightsCommand(argv, {
      service,
      readFile: async (path) => {
        if (!(path in files)) throw new Error(`no such file ${path}`);
        return files[path];
      },
      write: (text) => {
        output += text;
      },
    });
  return { run, output: () => output, planted, deps };
}

describe('insights CLI and report rendering', () => {
  it('prints a readable discovery report with the sampling note and each draft persona', async () => {
    const { run, output } = cli();
    expect(await run(['discover', String(PORTAL)])).toBe(0);
    const text = output();
    expect(text).toMatch(/^Persona discovery for portal 31/);
    expect(text).toMatch(/Chosen k = \d+ \(mean silhouette 0\.\d{3}\)/);
    expect(text).toMatch(/Sampled: candidate clusterings .* random sample of 400 of 600 contacts/);
    expect(text).toMatch(/Cluster 1: .* — \d+ contacts/);
    expect(text).toMatch(/Draft persona "draft_[a-z0-9_]+" \((customer|buyer|negative):/);
    expect(text).toMatch(/precision \d+\.\d%, recall \d+\.\d%/);
    expect(text).not.toMatch(/Recovery of planted groups/);
  });

  it('prints machine-readable JSON with --json', async () => {
    const { run, output } = cli();
    expect(await run(['discover', String(PORTAL), '--json'])).toBe(0);
    const report = JSON.parse(output());
    expect(report).toMatchObject({ kind: 'discovery', portalId: PORTAL, contacts: 600 });
    expect(report.clusters[0].suggestion.persona.rules.length).toBeGreaterThan(0);
  });

  it('refuses a bad pilot file with exit code 1, naming each bad line', async () => {
    const { run, output, deps } = cli({ 'bad.csv': 'contact_id,variant,outcome\n1001,A,opened\n1002,A,\n' });
    expect(await run(['validate', String(PORTAL), 'bad.csv'])).toBe(1);
    expect(output()).toBe('bad.csv was not imported (nothing was changed):\n  line 3: outcome is missing\n');
    expect(await deps.pilots.latest(PORTAL)).toBeNull();
  });

  it('imports a good pilot file and prints the validation report', async () => {
    // Contact ids are the generator's: 1001, 1002, ... for the 600 contacts.
    const lines = [
      'contact_id,variant,outcome',
      ...Array.from({ length: 600 }, (_, i) => `${1001 + i},${i % 2 ? 'B' : 'A'},${i % 7 === 0 ? 'clicked' : 'delivered'}`),
    ];
    const { run, output } = cli({ 'pilot.csv': lines.join('\n') });
    expect(await run(['validate', String(PORTAL), 'pilot.csv'])).toBe(0);
    const text = output();
    expect(text).toMatch(/^Imported pilot\.csv \(csv\): 600 rows, 600 contacts\./);
    expect(text).toMatch(/Sample ratio: A 300 \(expected 300\), B 300 \(expected 300\)/);
    expect(text).toMatch(/Holm-corrected over \d+ comparisons/);
    expect(text).toMatch(/Hypotheses:\n- /);
  });

  it('prints the review with what to do, and explains missing snapshots', async () => {
    const { run, output } = cli();
    expect(await run(['review', String(PORTAL), '--nightly'])).toBe(0);
    expect(output()).toMatch(/^Nightly persona review for portal 31/);
    expect(output()).toMatch(/Drift needs two assignment snapshots/);
  });

  it('prints usage and exit code 2 for an unknown command or a bad portal id', async () => {
    const { run, output } = cli();
    expect(await run(['cluster', '31'])).toBe(2);
    expect(await run(['discover', 'abc'])).toBe(2);
    expect(output()).toMatch(/usage:/);
  });

  it('refuses an option it does not know, naming it, rather than ignoring it', async () => {
    const { run, output } = cli();
    expect(await run(['review', String(PORTAL), '--nigthly'])).toBe(2);
    expect(output()).toMatch(/--nigthly/);
    expect(await run(['discover', String(PORTAL), 'extra'])).toBe(2);
  });

  it('says how many errors were left out of a long error list', () => {
    const text = renderPilotImportResult({ ok: false, errors: [{ line: 2, message: 'bad' }], truncated: 12 }, 'f.csv');
    expect(text).toBe('f.csv was not imported (nothing was changed):\n  line 2: bad\n  … and 12 more errors.\n');
  });
});
