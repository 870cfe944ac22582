import { SIGNIN_CALLBACK_PATH } from '../../src/admin/signin-routes';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp, type App, type AppTuning } from '../../src/app';
import { installThroughBrowser } from '../../src/demo/browser-install';
import { optionalScopes, requiredScopes } from '../../src/install/app-scopes';
import type { Clock } from '../../src/platform/clock';
import { loadConfig, SANDBOX_APP, type AppConfig } from '../../src/platform/config';
import { silentLogger, type Logger } from '../../src/platform/logger';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox';
import { openStorage, type Storage } from '../../src/storage/connect';

export interface HarnessOptions {
  readonly portalId?: number;
  readonly contacts?: number;
  /** false: the portal's HubSpot edition has no feedback surveys, so the optional scope is never granted. */
  readonly surveys?: boolean;
  /** Shared by the app and the sandbox (default: the real clock). */
  readonly clock?: Clock;
  readonly sandbox?: Partial<Omit<SandboxOptions, 'app' | 'portals' | 'clock'>>;
  readonly tuning?: AppTuning;
  readonly storage?: Storage;
  readonly env?: Record<string, string>;
  readonly logger?: Logger;
}

export interface Harness {
  readonly sandbox: Sandbox;
  readonly app: App;
  readonly config: AppConfig;
  /** Where the app listens, e.g. http://127.0.0.1:PORT */
  readonly appBaseUrl: string;
  readonly portalId: number;
  readonly adminToken: string;
  /** Installs the app into the sandbox portal through the real OAuth flow. */
  install(): Promise<void>;
  /** The first full sync starts in the background on install; this waits until it has assigned personas. */
  waitForFirstSync(): Promise<void>;
  close(): Promise<void>;
}

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

/**
 * A sandbox portal on a free port plus the app (buildApp on an in-memory SQLite, listening on a
 * free port, jobs off), wired to each other as in the demo. Small retry delays by default.
 */
export async function startAppHarness(options: HarnessOptions = {}): Promise<Harness> {
  const portalId = options.portalId ?? 7_100_001;
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server: Server = createServer((req, res) => (handler ? handler(req, res) : res.writeHead(503).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const appBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The sandbox app declares what app.json declares: required and optional scopes.
  const scopes = [...requiredScopes(), ...optionalScopes()];

  const sandbox = await startSandbox({
    rateLimit: { enabled: false },
    ...options.sandbox,
    app: {
      ...SANDBOX_APP,
      redirectUris: [`${appBaseUrl}/oauth/callback`, `${appBaseUrl}${SIGNIN_CALLBACK_PATH}`],
      scopes,
      targetBaseUrl: appBaseUrl,
    },
    portals: [{ portalId, contacts: options.contacts ?? 300, ...(options.surveys === false ? { surveys: false } : {}) }],
    webhooks: { enabled: false, ...options.sandbox?.webhooks },
    ...(options.clock ? { clock: () => options.clock!.now() } : {}),
  });
  const base = loadConfig(
    {
      DATABASE_URL: 'sqlite::memory:',
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      APP_BASE_URL: appBaseUrl,
      JOBS_ENABLED: 'false',
      LOG_LEVEL: 'silent',
      HUBSPOT_RATE_LIMIT_PER_10S: '1000',
      HUBSPOT_SEARCH_PER_SECOND: '50',
      ...options.env,
    },
    { ensureSandboxKey: false },
  );
  const config: AppConfig = { ...base, hubspot: { ...base.hubspot, apiBaseUrl: sandbox.baseUrl, authBaseUrl: sandbox.baseUrl } };
  const storage = options.storage ?? (await openStorage('sqlite::memory:'));
  const app = await buildApp({
    config,
    logger: options.logger ?? silentLogger,
    clock: options.clock,
    storage,
    tuning: {
      retry: { burstRateLimitDelayMs: 200, searchRateLimitDelayMs: 100, serverErrorBaseDelayMs: 20, serverErrorMaxDelayMs: 200 },
      tokenRetryDelaysMs: [10, 20],
      scopes,
      ...options.tuning,
    },
  });
  handler = app.http;
  await app.start();

  return {
    sandbox,
    app,
    config,
    appBaseUrl,
    portalId,
    adminToken: TEST_ADMIN_TOKEN,
    install: async () => {
      await installThroughBrowser(appBaseUrl, portalId);
    },
    waitForFirstSync: async () => {
      for (let i = 0; i < 600; i++) {
        if (!app.services.sync.isRunning(portalId) && Object.keys(await app.stores.assignments.distribution(portalId)).length > 0) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the first sync did not finish in 30 s');
    },
    close: async () => {
      await app.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await sandbox.close();
      if (!options.storage) await storage.close();
    },
  };
}
