import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNIN_CALLBACK_PATH } from '../../../src/admin/signin-routes';
import { buildApp, type App } from '../../../src/app';
import { installThroughBrowser } from '../../../src/demo/browser-install';
import { requiredScopes } from '../../../src/install/app-scopes';
import { loadConfig, SANDBOX_APP, type AppConfig } from '../../../src/platform/config';
import { silentLogger } from '../../../src/platform/logger';
import { startSandbox, type Sandbox } from '../../../src/sandbox';
import { openStorage } from '../../../src/storage/connect';

export const ADMIN_STACK_TOKEN = 'admin-stack-token-0123456789';

export interface AdminStack {
  readonly sandbox: Sandbox;
  readonly app: App;
  readonly config: AppConfig;
  readonly appBaseUrl: string;
  readonly portalId: number;
  install(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The app (buildApp, as in production) and a sandbox portal whose app lists both redirect URLs:
 * the install callback and the admin sign-in callback.
 */
export async function startAdminStack(options: { portalId?: number; contacts?: number } = {}): Promise<AdminStack> {
  const portalId = options.portalId ?? 7_200_001;
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server: Server = createServer((req, res) => (handler ? handler(req, res) : res.writeHead(503).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const appBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const scopes = requiredScopes();
  const sandbox = await startSandbox({
    rateLimit: { enabled: false },
    app: { ...SANDBOX_APP, redirectUris: [`${appBaseUrl}/oauth/callback`, `${appBaseUrl}${SIGNIN_CALLBACK_PATH}`], scopes, targetBaseUrl: appBaseUrl },
    portals: [{ portalId, contacts: options.contacts ?? 300 }],
    webhooks: { enabled: false },
  });
  const base = loadConfig({ DATABASE_URL: 'sqlite::memory:', ADMIN_TOKEN: ADMIN_STACK_TOKEN, APP_BASE_URL: appBaseUrl, JOBS_ENABLED: 'false', LOG_LEVEL: 'silent', HUBSPOT_RATE_LIMIT_PER_10S: '1000', HUBSPOT_SEARCH_PER_SECOND: '50' }, { ensureSandboxKey: false });
  const config: AppConfig = { ...base, hubspot: { ...base.hubspot, apiBaseUrl: sandbox.baseUrl, authBaseUrl: sandbox.baseUrl } };
  const storage = await openStorage('sqlite::memory:');
  const app = await buildApp({ config, logger: silentLogger, storage, tuning: { scopes, retry: { burstRateLimitDelayMs: 200, searchRateLimitDelayMs: 100, serverErrorBaseDelayMs: 20, serverErrorMaxDelayMs: 200 } } });
  const { services, stores } = app;

  handler = app.http;
  await app.start();

  return {
    sandbox, app, config, appBaseUrl, portalId,
    install: async () => {
      await installThroughBrowser(appBaseUrl, portalId);
      // The first full sync starts in the background on install; the page is tested once it is done.
      for (let i = 0; i < 600; i++) {
        if (!services.sync.isRunning(portalId) && Object.keys(await stores.assignments.distribution(portalId)).length > 0) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the first sync did not finish in 30 s');
    },
    close: async () => {
      await app.close();
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
      await sandbox.close();
      await storage.close();
    },
  };
}
