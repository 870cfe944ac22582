import { buildApp } from '../../../src/app';
import { loadConfig } from '../../../src/platform/config';
import { silentLogger } from '../../../src/platform/logger';

/**
 * The app alone in a process running one full sync, for the crash test:
 *   tsx sync-process.ts <sqlite file> <HubSpot base URL> <portal id> <encryption key hex> <die at page N, 0 = never>
 * With N > 0 the process kills itself (SIGKILL: no cleanup, no finally) as soon as page N's cursor
 * is saved, while later pages are being listed, scored and written. Otherwise it prints the
 * sync's summary as JSON and exits 0.
 */
async function main(): Promise<void> {
  const [file, hubspotBaseUrl, portal, encryptionKey, dieAt] = process.argv.slice(2);
  const killAt = Number(dieAt);
  const base = loadConfig(
    {
      DATABASE_URL: `sqlite:${file}`,
      ENCRYPTION_KEY: encryptionKey!,
      ADMIN_TOKEN: 'test-admin-token-0123456789',
      APP_BASE_URL: 'http://127.0.0.1:9',
      JOBS_ENABLED: 'false',
      LOG_LEVEL: 'silent',
      HUBSPOT_RATE_LIMIT_PER_10S: '1000',
      HUBSPOT_SEARCH_PER_SECOND: '50',
    },
    { ensureSandboxKey: false },
  );
  const app = await buildApp({
    config: { ...base, hubspot: { ...base.hubspot, apiBaseUrl: hubspotBaseUrl!, authBaseUrl: hubspotBaseUrl! } },
    logger: silentLogger,
    tuning: {
      syncOnInstall: false,
      syncHooks: {
        afterPage: ({ page }) => {
          if (page === killAt) process.kill(process.pid, 'SIGKILL');
        },
      },
    },
  });
  await app.start();
  const summary = await app.services.sync.fullSync(Number(portal));
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  await app.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
