import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { assembleHubSpotProject, ProjectAssemblyError } from '../../../tools/hubspot-project/assemble-hubspot-project';
import type { ProjectCheck } from '../../../tools/hubspot-project/check-hubspot-project';
import { validateRuleSet, type RuleSet } from '../../../src/personas/engine';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..', '..');
const BASE = 'https://personas.example.com';

/** The CLI under tsx: project-parsing-lib is ESM-only and does not load inside Jest. */
async function cli(args: string[]): Promise<{ code: number; result: { assembled?: string[]; check?: ProjectCheck; problems?: string[] } }> {
  try {
    const { stdout } = await run(process.execPath, [require.resolve('tsx/cli'), 'tools/hubspot-project/main.ts', ...args, '--json'], {
      cwd: ROOT,
    });
    return { code: 0, result: JSON.parse(stdout) };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    if (!e.stdout) throw new Error(`hubspot:project crashed: ${e.stderr}`);
    return { code: e.code, result: JSON.parse(e.stdout) };
  }
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

function defaultRuleSet(): RuleSet {
  const validation = validateRuleSet(readJson(path.join(ROOT, 'config', 'personas.json')));
  if (!validation.ok) throw new Error('config/personas.json is not a valid rule set');
  return validation.ruleSet;
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'hubspot-project-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm run hubspot:project', () => {
  let out: string;
  let outcome: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    out = path.join(scratch, 'project');
    outcome = await cli(['--out', out, '--app-base-url', `${BASE}/`]);
  }, 30_000);

  it('assembles the repository into a project that passes the offline checks', () => {
    expect(outcome.result.problems ?? []).toEqual([]);
    expect(outcome.result.check?.problems).toEqual([]);
    expect(outcome.result.check?.warnings).toEqual([]);
    expect(outcome.code).toBe(0);
    expect(outcome.result.check?.components.map((c) => [c.componentType, c.metaFile])).toEqual([
      ['APPLICATION', 'src/app/app-hsmeta.json'],
      ['CARD', 'src/app/cards/company-card-hsmeta.json'],
      ['CARD', 'src/app/cards/persona-card-hsmeta.json'],
      ['WEBHOOKS', 'src/app/webhooks/webhooks-hsmeta.json'],
      ['WORKFLOW_ACTION', 'src/app/workflow-actions/persona-action-hsmeta.json'],
    ]);
  });

  it('fills every deployment URL from the configured base URL', () => {
    const app = readJson(path.join(out, 'src/app/app-hsmeta.json'));
    const webhooks = readJson(path.join(out, 'src/app/webhooks/webhooks-hsmeta.json'));
    const action = readJson(path.join(out, 'src/app/workflow-actions/persona-action-hsmeta.json'));

    expect(app.config.permittedUrls.fetch).toEqual([BASE]);
    expect(app.config.auth.redirectUrls.every((u: string) => u.startsWith(`${BASE}/`))).toBe(true);
    expect(webhooks.config.settings.targetUrl.startsWith(`${BASE}/`)).toBe(true);
    expect(action.config.actionUrl).toBe(`${BASE}/workflow-actions/persona`);
    expect(readFileSync(path.join(out, 'src/app/cards/api-base.ts'), 'utf8')).toContain(`export const API_BASE = "${BASE}";`);
  });

  it('takes the persona to check from the app per account (optionsUrl) and offers only account-independent options as outputs', () => {
    const action = readJson(path.join(out, 'src/app/workflow-actions/persona-action-hsmeta.json'));
    const [input] = action.config.inputFields;
    expect(input.typeDefinition).toEqual({
      name: 'persona_to_check',
      type: 'enumeration',
      fieldType: 'select',
      optionsUrl: `${BASE}/workflow-actions/persona/options`,
    });
    const outputs = Object.fromEntries(
      action.config.outputFields.map((f: { typeDefinition: { name: string } }) => [f.typeDefinition.name, f.typeDefinition]),
    );
    expect(outputs.matches_persona.options.map((o: { value: string }) => o.value)).toEqual(['yes', 'no']);
    expect([outputs.persona.type, outputs.persona_label.type, outputs.persona_score.type]).toEqual(['string', 'string', 'number']);
    // No persona id is baked into the project: every account's personas differ.
    const ids = defaultRuleSet().personas.map((p) => p.id);
    expect(ids.filter((id) => JSON.stringify(action).includes(`"${id}"`))).toEqual([]);
  });

  it("puts the card contracts beside the cards and points the cards' imports at them", () => {
    for (const contract of ['card-view.ts', 'company-card-view.ts']) {
      expect(readFileSync(path.join(out, 'src/app/cards', contract), 'utf8')).toBe(
        readFileSync(path.join(ROOT, 'src/card-api', contract), 'utf8'),
      );
    }
    for (const file of ['PersonaCard.tsx', 'PersonaCardBody.tsx', 'card-api-client.ts']) {
      const code = readFileSync(path.join(out, 'src/app/cards', file), 'utf8');
      expect(code).toContain("from './card-view'");
      expect(code).not.toContain('../');
    }
    for (const file of ['CompanyCard.tsx', 'CompanyCardBody.tsx', 'card-api-client.ts']) {
      const code = readFileSync(path.join(out, 'src/app/cards', file), 'utf8');
      expect(code).toContain("from './company-card-view'");
      expect(code).not.toContain('../');
    }
    expect(readJson(path.join(out, 'src/app/cards/company-card-hsmeta.json')).config.objectTypes).toEqual(['companies']);
    expect(outcome.result.assembled).not.toContain('src/app/cards/tsconfig.json');
    expect(outcome.result.assembled?.some((f) => f.includes('test'))).toBe(false);
  });

  it("reports meta files HubSpot's parser would skip or silently drop, and bad uids", async () => {
    const broken = path.join(scratch, 'broken');
    cpSync(out, broken, { recursive: true });
    writeFileSync(path.join(broken, 'src/app/cards/second-hsmeta.json'), '{ "uid": "second_card", "type": "card", ');
    mkdirSync(path.join(broken, 'src/app/misc'));
    writeFileSync(
      path.join(broken, 'src/app/misc/stray-hsmeta.json'),
      readFileSync(path.join(out, 'src/app/cards/persona-card-hsmeta.json')),
    );
    const card = readJson(path.join(broken, 'src/app/cards/persona-card-hsmeta.json'));
    writeFileSync(path.join(broken, 'src/app/cards/persona-card-hsmeta.json'), JSON.stringify({ ...card, uid: 'persona card!' }));

    const { code, result } = await cli(['--check-only', broken]);

    expect(code).toBe(1);
    expect(result.check?.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^src\/app\/cards\/second-hsmeta\.json: dropped/),
        expect.stringMatching(/^src\/app\/misc\/stray-hsmeta\.json: skipped/),
        expect.stringMatching(/^src\/app\/cards\/persona-card-hsmeta\.json: uid "persona card!"/),
      ]),
    );
  }, 30_000);

  it('warns when the deployment URL is one HubSpot cannot reach', async () => {
    const { result } = await cli(['--out', path.join(scratch, 'local'), '--app-base-url', 'http://localhost:3000']);

    expect(result.check?.warnings).toEqual([
      expect.stringMatching(/^http:\/\/localhost:3000 is not a public https origin; HubSpot will not reach the \d+ URLs/),
    ]);
  }, 30_000);
});

describe('assembleHubSpotProject', () => {
  /** A minimal root like the repository's, with the given files changed. */
  function aRoot(changes: Record<string, string>): string {
    const root = mkdtempSync(path.join(scratch, 'root-'));
    cpSync(path.join(ROOT, 'app.json'), path.join(root, 'app.json'));
    cpSync(path.join(ROOT, 'src/card-api/card-view.ts'), path.join(root, 'src/card-api/card-view.ts'));
    cpSync(path.join(ROOT, 'src/card-api/company-card-view.ts'), path.join(root, 'src/card-api/company-card-view.ts'));
    mkdirSync(path.join(root, 'cards'));
    for (const f of [
      'PersonaCard.tsx',
      'PersonaCardBody.tsx',
      'card-api-client.ts',
      'api-base.ts',
      'package.json',
      'persona-card-hsmeta.json',
    ]) {
      cpSync(path.join(ROOT, 'cards', f), path.join(root, 'cards', f));
    }
    mkdirSync(path.join(root, 'webhooks'));
    writeFileSync(
      path.join(root, 'webhooks/webhooks-hsmeta.json'),
      JSON.stringify({
        uid: 'persona_webhooks',
        type: 'webhooks',
        config: {
          settings: { targetUrl: '{{APP_BASE_URL}}/webhooks/hubspot', maxConcurrentRequests: 10 },
          subscriptions: { crmObjects: [{ subscriptionType: 'object.creation', objectType: 'contact', active: true }] },
        },
      }),
    );
    for (const [file, content] of Object.entries(changes)) writeFileSync(path.join(root, file), content);
    return root;
  }

  const assemble = (rootDir: string, outDir = path.join(rootDir, 'out')) =>
    assembleHubSpotProject({ rootDir, outDir, appBaseUrl: BASE, ruleSet: defaultRuleSet() });

  const problemsOf = (fn: () => unknown): readonly string[] => {
    try {
      fn();
    } catch (err) {
      if (err instanceof ProjectAssemblyError) return err.problems;
      throw err;
    }
    throw new Error('expected the assembly to fail');
  };

  it('names a placeholder that configuration cannot fill', () => {
    const app = readJson(path.join(ROOT, 'app.json'));
    app.config.support.supportUrl = '{{SUPPORT_URL}}/help';

    expect(problemsOf(() => assemble(aRoot({ 'app.json': JSON.stringify(app) })))).toEqual(
      expect.arrayContaining(['src/app/app-hsmeta.json: no value for SUPPORT_URL']),
    );
  });

  it('rejects an app manifest that misses fields HubSpot requires', () => {
    const app = readJson(path.join(ROOT, 'app.json'));
    delete app.config.auth.requiredScopes;

    expect(problemsOf(() => assemble(aRoot({ 'app.json': JSON.stringify(app) })))).toEqual([
      expect.stringMatching(/app\.json: config\.auth\.requiredScopes: /),
    ]);
  });

  it("rejects a card that imports from outside its folder, which HubSpot's build cannot resolve", () => {
    const root = aRoot({ 'cards/extra.ts': "import { helper } from '../src/somewhere';\nexport const x = helper;\n" });

    expect(problemsOf(() => assemble(root))).toEqual(['cards/extra.ts imports from outside the card folder: ../src/somewhere']);
  });

  it.each([
    ['a host of its own', 'https://personas.example.com/webhooks/hubspot'],
    ['the placeholder', '{{APP_BASE_URL}}/webhooks/hubspot'],
  ])('points a webhook target written with %s at this deployment, keeping its path', (_name, targetUrl) => {
    const webhooks = readJson(path.join(ROOT, 'webhooks/webhooks-hsmeta.json'));
    webhooks.config.settings.targetUrl = targetUrl;
    const root = aRoot({ 'webhooks/webhooks-hsmeta.json': JSON.stringify(webhooks) });

    const assembled = assembleHubSpotProject({
      rootDir: root,
      outDir: path.join(root, 'out'),
      appBaseUrl: 'https://apps.acme.test/personas/',
      ruleSet: defaultRuleSet(),
    });

    expect(readJson(path.join(assembled.outDir, 'src/app/webhooks/webhooks-hsmeta.json')).config.settings.targetUrl).toBe(
      'https://apps.acme.test/personas/webhooks/hubspot',
    );
  });

  it('refuses to replace a folder that is not an earlier project', () => {
    const root = aRoot({});
    const precious = path.join(root, 'precious');
    mkdirSync(precious);
    writeFileSync(path.join(precious, 'notes.txt'), 'keep me');

    expect(problemsOf(() => assemble(root, precious))).toEqual([expect.stringMatching(/not empty and holds no hsproject\.json/)]);
    expect(readFileSync(path.join(precious, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('replaces an earlier project output, leaving no stale files', () => {
    const root = aRoot({});
    const out = path.join(root, 'out');
    assemble(root, out);
    writeFileSync(path.join(out, 'src/app/cards/stale.tsx'), 'old');

    const again = assemble(root, out);

    expect(again.files).not.toContain('src/app/cards/stale.tsx');
  });
});
