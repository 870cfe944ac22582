import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startSandbox } from './start-sandbox';
import { processEnvironment } from '../platform/config';

/**
 * The sandbox portal on its own, as a separate process: the stand-in for HubSpot when the
 * production build is started against it (`node dist/src/sandbox/serve.js`). Like HubSpot, it
 * knows the app from its manifest (app.json: scopes) and from what the developer registered
 * (client id and secret, redirect URLs under SANDBOX_APP_BASE_URL). Prints one JSON line with its
 * URL once it listens; stops on SIGTERM/SIGINT.
 */
function env(name: string, fallback?: string): string {
  const value = processEnvironment()[name]?.trim() || fallback;
  if (value === undefined) {
    process.stderr.write(`${name} is required\n`);
    process.exit(78);
  }
  return value;
}

function declaredScopes(): string[] {
  const manifestPath = path.resolve(__dirname, '..', '..', 'app.json');
  if (!existsSync(manifestPath)) return [];
  const auth = (
    JSON.parse(readFileSync(manifestPath, 'utf8')) as { config?: { auth?: { requiredScopes?: string[]; optionalScopes?: string[] } } }
  ).config?.auth;
  return [...(auth?.requiredScopes ?? []), ...(auth?.optionalScopes ?? [])];
}

async function main(): Promise<void> {
  const appBaseUrl = env('SANDBOX_APP_BASE_URL').replace(/\/+$/, '');
  const portalId = Number(env('SANDBOX_PORTAL_ID', '2024001'));
  const sandbox = await startSandbox({
    port: Number(env('SANDBOX_PORT', '0')),
    app: {
      clientId: env('SANDBOX_CLIENT_ID', 'sandbox-client-id'),
      clientSecret: env('SANDBOX_CLIENT_SECRET', 'sandbox-client-secret'),
      appId: Number(env('SANDBOX_APP_ID', '424242')),
      redirectUris: [`${appBaseUrl}/oauth/callback`, `${appBaseUrl}/admin/oauth/callback`],
      scopes: declaredScopes(),
      targetBaseUrl: appBaseUrl,
    },
    portals: [{ portalId, contacts: Number(env('SANDBOX_CONTACTS', '200')) }],
  });
  process.stdout.write(`${JSON.stringify({ msg: 'sandbox portal listening', baseUrl: sandbox.baseUrl, portalId })}\n`);
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
