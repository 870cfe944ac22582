import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatRuleSetErrors, validateRuleSet } from '../../src/personas/engine';
import { loadConfig, processEnvironment } from '../../src/platform/config';
import { assembleHubSpotProject, DEFAULT_PROJECT_DIR, ProjectAssemblyError } from './assemble-hubspot-project';
import { checkHubSpotProject, type ProjectCheck } from './check-hubspot-project';
import { parseArgs } from 'node:util';

/**
 * `npm run hubspot:project [-- --out DIR] [--app-base-url URL] [--rules FILE] [--check-only DIR] [--json]`
 * Assembles the HubSpot developer project from app.json, cards/, webhooks/ and the rule set, with
 * the deployment's URLs (APP_BASE_URL unless --app-base-url), then runs the offline checks.
 * Exits 1 when assembly or a check fails.
 */
async function main(argv: readonly string[]): Promise<number> {
  const { values: args } = parseArgs({
    args: [...argv],
    options: {
      json: { type: 'boolean' },
      out: { type: 'string' },
      'app-base-url': { type: 'string' },
      rules: { type: 'string' },
      'check-only': { type: 'string' },
    },
  });
  const json = args.json ?? false;
  const report = (result: { assembled?: readonly string[]; check?: ProjectCheck; problems?: readonly string[] }) => {
    if (json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    if (result.assembled) process.stdout.write(`Assembled ${result.assembled.length} files into ${args.out ?? DEFAULT_PROJECT_DIR}\n`);
    for (const c of result.check?.components ?? [])
      process.stdout.write(`  ${c.componentType.padEnd(16)} ${c.uid.padEnd(28)} ${c.metaFile}\n`);
    for (const w of result.check?.warnings ?? []) process.stdout.write(`warning: ${w}\n`);
    for (const p of [...(result.problems ?? []), ...(result.check?.problems ?? [])]) process.stdout.write(`problem: ${p}\n`);
    if (result.check && result.check.problems.length === 0) {
      process.stdout.write('Offline checks passed. Full schema validation needs `hs project validate` against a HubSpot account.\n');
    }
  };

  const checkOnly = args['check-only'];
  if (checkOnly) {
    const check = await checkHubSpotProject(checkOnly);
    report({ check });
    return check.problems.length === 0 ? 0 : 1;
  }

  const config = loadConfig(processEnvironment(), { ensureSandboxKey: false });
  const rulesFile = args.rules ?? config.personasConfigPath;
  const validation = validateRuleSet(JSON.parse(readFileSync(rulesFile, 'utf8')));
  if (!validation.ok) {
    report({ problems: [`${rulesFile} is not a valid rule set:\n${formatRuleSetErrors(validation.errors)}`] });
    return 1;
  }
  const outDir = args.out ?? DEFAULT_PROJECT_DIR;
  try {
    const assembled = assembleHubSpotProject({
      rootDir: path.resolve(__dirname, '..', '..'),
      outDir,
      appBaseUrl: args['app-base-url'] ?? config.appBaseUrl,
      ruleSet: validation.ruleSet,
    });
    const check = await checkHubSpotProject(assembled.outDir);
    report({ assembled: assembled.files, check });
    return check.problems.length === 0 ? 0 : 1;
  } catch (err) {
    if (err instanceof ProjectAssemblyError) {
      report({ problems: err.problems });
      return 1;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
