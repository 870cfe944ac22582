import { parseArgs } from 'node:util';
import type { InsightsService } from './insights-service';
import { renderPilotImportResult, renderReport } from './render-report';

export interface InsightsCliDeps {
  readonly service: Pick<InsightsService, 'discover' | 'importPilot' | 'validate' | 'review'>;
  readonly readFile: (path: string) => Promise<string>;
  readonly write: (text: string) => void;
}

export const INSIGHTS_USAGE = [
  'usage:',
  '  cli discover <portalId> [--json]',
  '  cli validate <portalId> [<file.csv|file.json>] [--json]   (imports the file first, all or nothing)',
  '  cli review <portalId> [--nightly] [--json]',
].join('\n');

/**
 * The insights commands for src/cli/main.ts: `discover`, `validate`, `review`. Returns the
 * process exit code (0 ok, 1 bad input such as a rejected file, 2 usage).
 */
export async function runInsightsCommand(argv: readonly string[], deps: InsightsCliDeps): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { json: { type: 'boolean' }, nightly: { type: 'boolean' } }, allowPositionals: true });
  } catch (err) {
    deps.write(`${err instanceof Error ? err.message : String(err)}\n${INSIGHTS_USAGE}\n`);
    return 2;
  }
  const { json = false, nightly = false } = parsed.values;
  const [command, portalArg, fileArg, ...extra] = parsed.positionals;
  const portalId = Number(portalArg);
  if (
    !['discover', 'validate', 'review'].includes(command) ||
    !Number.isInteger(portalId) ||
    portalId <= 0 ||
    extra.length > 0 ||
    (fileArg !== undefined && command !== 'validate')
  ) {
    deps.write(`${INSIGHTS_USAGE}\n`);
    return 2;
  }
  const print = (report: Parameters<typeof renderReport>[0]) =>
    deps.write(json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
  if (command === 'discover') {
    print((await deps.service.discover(portalId)).report);
    return 0;
  }
  if (command === 'review') {
    print((await deps.service.review(portalId, nightly ? 'nightly' : 'quarterly')).report);
    return 0;
  }
  if (fileArg !== undefined) {
    const result = await deps.service.importPilot(portalId, fileArg, await deps.readFile(fileArg));
    if (!result.ok) {
      deps.write(json ? `${JSON.stringify(result, null, 2)}\n` : renderPilotImportResult(result, fileArg));
      return 1;
    }
    if (!json) deps.write(renderPilotImportResult(result, fileArg));
  }
  print((await deps.service.validate(portalId)).report);
  return 0;
}
