import { SIGNIN_CALLBACK_PATH } from '../admin/signin-routes';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { buildApp, type App } from '../app';
import { optionalScopes, requiredScopes } from '../install/app-scopes';
import type { AppConfig } from '../platform/config';
import { SANDBOX_APP } from '../platform/config';
import type { Logger } from '../platform/logger';
import { startSandbox, type Sandbox } from '../sandbox';
import type { SyncProgressEvent } from '../sync/sync-runs';
import { installThroughBrowser } from './browser-install';
import { committeeExamples, type CommitteeExample } from './committee-examples';
import { seedDemoInsights } from './seed-insights';

/** The sandbox portal's id in the demo (stable, so restarts find their data). */
export const DEMO_PORTAL_ID = 2_024_001;

export interface DemoOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  /** Where the demo prints its summary (main passes console.log). */
  readonly print: (line: string) => void;
}

export interface Demo {
  readonly app: App;
  readonly sandbox: Sandbox;
  readonly server: Server;
  readonly config: AppConfig;
  close(): Promise<void>;
}

/**
 * Sandbox mode (`npm start` without HubSpot credentials): starts the sandbox portal in-process,
 * points the app at it, installs the app through the real OAuth flow, runs the first sync
 * (assign and write back) and prints the URLs to open. Idempotent across restarts: the data
 * folder is reused; the sandbox is regenerated from its seed, so the app installs again (the old
 * tokens belong to the previous sandbox process) and a full sync writes the personas back.
 */
export async function startDemo(options: DemoOptions): Promise<Demo> {
  const { logger, print } = options;
  const appBaseUrl = options.config.appBaseUrl;
  const scopes = requiredScopes();
  const sandbox = await startSandbox({
    port: options.config.sandbox.port,
    app: {
      ...SANDBOX_APP,
      redirectUris: [`${appBaseUrl}/oauth/callback`, `${appBaseUrl}${SIGNIN_CALLBACK_PATH}`],
      scopes: [...scopes, ...optionalScopes()],
      targetBaseUrl: appBaseUrl,
    },
    portals: [{ portalId: DEMO_PORTAL_ID, contacts: options.config.sandbox.contacts, hubDomain: 'demo-portal.sandbox.local' }],
    logger: { info: (o, m) => logger.debug(o, m), warn: (o, m) => logger.warn(o, m) },
  });
  const generatedAdminToken = options.config.adminToken ? null : randomBytes(24).toString('base64url');
  const config: AppConfig = {
    ...options.config,
    adminToken: options.config.adminToken ?? generatedAdminToken ?? undefined,
    hubspot: { ...options.config.hubspot, apiBaseUrl: sandbox.baseUrl, authBaseUrl: sandbox.baseUrl },
  };
  const app = await buildApp({ config, logger, tuning: { syncOnInstall: false, scopes } });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.http.listen(config.port, () => resolve(s));
    s.once('error', reject);
  });
  await app.start();
  print(`Sandbox portal ${DEMO_PORTAL_ID} with ${config.sandbox.contacts} contacts at ${sandbox.baseUrl}`);

  await installThroughBrowser(appBaseUrl, DEMO_PORTAL_ID);
  print(
    `Installed the app into portal ${DEMO_PORTAL_ID} through the OAuth flow (${sandbox.baseUrl}/oauth/authorize → ${appBaseUrl}/oauth/callback).`,
  );

  let lastPrinted = 0;
  const summary = await app.services.sync.fullSync(DEMO_PORTAL_ID, {
    onProgress: (p: SyncProgressEvent) => {
      if (Date.now() - lastPrinted < 2_000) return;
      lastPrinted = Date.now();
      print(`  ${p.phase}: ${p.done}${p.total ? ` of ${p.total}` : ''}`);
    },
  });
  const distribution = await app.stores.assignments.distribution(DEMO_PORTAL_ID);
  const firstContact = (await app.stores.crm.listContactIds(DEMO_PORTAL_ID, null, 1))[0] ?? '';
  print(
    `Synced ${summary.contacts} contacts and ${summary.tickets} tickets, scored ${summary.rescore.scored}, wrote ${summary.writeBack.written} persona values back to HubSpot.`,
  );
  const seeded = await seedDemoInsights(app, DEMO_PORTAL_ID, Date.now());
  if (seeded.seeded)
    print(`Seeded the Insights tab: three nightly snapshots, a pilot of ${seeded.pilotLines} lines validated, one quarterly review.`);
  print(
    `Personas: ${Object.entries(distribution)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  const examples = await committeeExamples(app, DEMO_PORTAL_ID);
  print('');
  print('Open:');
  print(`  Admin page        ${appBaseUrl}/admin`);
  print(`  Persona card      ${appBaseUrl}/preview/cards/persona?portalId=${DEMO_PORTAL_ID}&contactId=${firstContact}`);
  const companyCard = (e: CommitteeExample) => `${appBaseUrl}/preview/cards/company?portalId=${DEMO_PORTAL_ID}&companyId=${e.companyId}`;
  if (examples.complete)
    print(`  Company card      ${companyCard(examples.complete)}   (${examples.complete.name}: complete buying committee)`);
  if (examples.withGaps)
    print(
      `  Company card      ${companyCard(examples.withGaps)}   (${examples.withGaps.name}: missing ${examples.withGaps.gaps.join(', ')})`,
    );
  print(`  Accounts          ${appBaseUrl}/admin/#/accounts`);
  print(`  Sandbox control   ${sandbox.baseUrl}/_sandbox`);
  print('Install again, either way HubSpot customers do:');
  print(`  From our link     ${appBaseUrl}/oauth/install   (authorize page, then back with our state)`);
  print(
    `  From Marketplace  ${sandbox.baseUrl}/_sandbox → "Install from Marketplace"   (HubSpot approves, then calls ${appBaseUrl}/oauth/callback with code + returnUrl)`,
  );
  print(`  Status API        curl -H "Authorization: Bearer $ADMIN_TOKEN" ${appBaseUrl}/api/admin/portals/${DEMO_PORTAL_ID}/status`);
  if (generatedAdminToken) print(`  ADMIN_TOKEN=${generatedAdminToken}   (generated for this sandbox run; set ADMIN_TOKEN to choose one)`);

  return {
    app,
    sandbox,
    server,
    config,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await app.close();
      await sandbox.close();
    },
  };
}
