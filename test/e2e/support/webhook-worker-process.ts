import { buildStack } from './webhook-stack';

/**
 * The webhook worker alone in a process, for the crash test:
 *   tsx webhook-worker-process.ts <sqlite file> <HubSpot base URL> <access token> <die after N refresh calls, 0 = never> <contacts per refresh call>
 * With N > 0 the process kills itself (SIGKILL: no cleanup, no finally) right after its N-th
 * refresh call returns, i.e. in the middle of a batch whose effects are partly applied. Otherwise
 * it drains the inbox, waits until it has stayed empty for a while, and exits 0.
 */
async function main(): Promise<void> {
  const [file, hubspotBaseUrl, token, dieAfter, chunk] = process.argv.slice(2);
  const killAfter = Number(dieAfter);
  let calls = 0;
  const stack = await buildStack({
    databaseUrl: `sqlite:${file}`,
    hubspotBaseUrl,
    issueToken: () => token,
    worker: { staleAfterMs: 0, refreshChunk: Number(chunk), pollMs: 20 },
    wrapRefresher: (inner) => ({
      refreshTickets: (portalId, ids) => inner.refreshTickets(portalId, ids),
      refreshContacts: async (portalId, ids) => {
        const result = await inner.refreshContacts(portalId, ids);
        calls++;
        process.stdout.write(`refreshed ${ids.join(',')}\n`);
        if (killAfter > 0 && calls >= killAfter) process.kill(process.pid, 'SIGKILL');
        return result;
      },
    }),
  });
  await stack.worker.start();
  let idleSince = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const b = await stack.stores.inbox.backlog();
    if (b.pending + b.processing > 0) idleSince = Date.now();
    else if (Date.now() - idleSince > 1500) break;
  }
  await stack.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
