import { SingleBar, Presets } from 'cli-progress';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { App } from '../app';
import { runInsightsCommand } from '../insights/insights-cli';
import type { SyncProgressEvent, SyncSummary } from '../sync/sync-runs';

export interface CliContext {
  readonly app: App;
  readonly print: (line: string) => void;
}

export interface CliCommand {
  readonly usage: string;
  readonly description: string;
  /** Resolves to the exit code when it is not 0 without an error (e.g. a rejected file). */
  run(args: readonly string[], ctx: CliContext): Promise<void | number>;
}

export function portalIdArg(positionals: readonly string[], usage: string): number {
  const id = Number(positionals[0]);
  if (positionals.length !== 1 || !Number.isInteger(id) || id <= 0) throw new Error(`Usage: ${usage}`);
  return id;
}

/** One progress bar per phase: records done, rate, time left. */
export function progressPrinter(): { onProgress: (p: SyncProgressEvent) => void; stop: () => void } {
  let bar: SingleBar | null = null;
  let phase = '';
  const started = Date.now();
  return {
    onProgress: (p) => {
      if (p.phase !== phase) {
        bar?.stop();
        phase = p.phase;
        // A streamed full sync scores and writes as it reads: the bar counts contacts scored, and says how many are written.
        bar = new SingleBar(
          {
            format: `${p.phase.padEnd(8)} [{bar}] {value}/{total}${p.figures ? ' scored, {written} written' : ''} | {rate}/s | eta {eta_formatted}`,
            etaBuffer: 50,
            hideCursor: true,
          },
          Presets.shades_classic,
        );
        bar.start(p.total ?? p.done, 0, { rate: '0', written: '0' });
      }
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      if (p.total === null && bar) bar.setTotal(Math.max(p.done, 1));
      bar?.update(p.done, { rate: (p.done / seconds).toFixed(0), written: String(p.figures?.written ?? 0) });
    },
    stop: () => bar?.stop(),
  };
}

export function describeSummary(s: SyncSummary): string {
  return (
    `${s.kind}: ${s.contacts} contacts, ${s.tickets} tickets, scored ${s.rescore.scored} (${s.rescore.changed} changed persona), ` +
    `wrote ${s.writeBack.written}, ${s.writeBack.failed} write failures, purged ${s.purgedContacts} contacts and ${s.purgedTickets} tickets`
  );
}

async function runWithProgress(ctx: CliContext, fn: (onProgress: (p: SyncProgressEvent) => void) => Promise<SyncSummary>): Promise<void> {
  const progress = progressPrinter();
  try {
    const summary = await fn(progress.onProgress);
    progress.stop();
    ctx.print(describeSummary(summary));
  } finally {
    progress.stop();
  }
}

/** The command table; other capabilities add their commands here. */
export const commands: Record<string, CliCommand> = {
  sync: {
    usage: 'sync <portalId> [--full|--reconcile]',
    description: 'Sync a portal from HubSpot (incremental once a full sync completed), assign personas and write them back.',
    run: async (args, ctx) => {
      const { values, positionals } = parseArgs({
        args: [...args],
        options: { full: { type: 'boolean' }, reconcile: { type: 'boolean' } },
        allowPositionals: true,
      });
      const portalId = portalIdArg(positionals, commands.sync.usage);
      const sync = ctx.app.services.sync;
      const watermark = await ctx.app.stores.sync.getCursor(portalId, 'incremental:contacts');
      await runWithProgress(ctx, (onProgress) =>
        values.reconcile
          ? sync.reconcile(portalId, { onProgress })
          : values.full || watermark === null
            ? sync.fullSync(portalId, { onProgress })
            : sync.incrementalSync(portalId, { onProgress }),
      );
    },
  },
  rescore: {
    usage: 'rescore <portalId>',
    description: 'Score every stored contact with the live rule set and write back what changed.',
    run: async (args, ctx) => {
      const portalId = portalIdArg(parseArgs({ args: [...args], allowPositionals: true }).positionals, commands.rescore.usage);
      await runWithProgress(ctx, (onProgress) => ctx.app.services.sync.rescore(portalId, { onProgress }));
    },
  },
  discover: insightsCommand(
    'discover <portalId> [--json]',
    "Cluster the portal's contacts and propose draft personas (stored as a report).",
  ),
  validate: insightsCommand(
    'validate <portalId> [file.csv|file.json] [--json]',
    "Import pilot results (all or nothing) and test each persona's hypothesis.",
  ),
  review: insightsCommand(
    'review <portalId> [--nightly] [--json]',
    'Drift and quarterly review: PSI per persona, moves, rules that stopped firing.',
  ),
};

function insightsCommand(usage: string, description: string): CliCommand {
  return {
    usage,
    description,
    run: (args, ctx) =>
      runInsightsCommand([usage.split(' ')[0]!, ...args], {
        service: ctx.app.services.insights,
        readFile: (file) => readFile(file, 'utf8'),
        write: (text) => ctx.print(text.replace(/\n$/, '')),
      }),
  };
}
