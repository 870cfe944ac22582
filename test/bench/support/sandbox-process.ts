import { optionalScopes, requiredScopes } from '../../../src/install/app-scopes';
import { SANDBOX_APP } from '../../../src/platform/config';
import { startSandbox } from '../../../src/sandbox';
import { SIGNIN_CALLBACK_PATH } from '../../../src/admin/signin-routes';

/**
 * A sandbox portal in its own process, so a benchmark measures the app's memory and CPU apart
 * from HubSpot's:  tsx sandbox-process.ts <portal id> <contacts> <app base URL> [unlimited]
 * HubSpot's limits are on (110 requests per rolling 10 s, search 5 per second) unless `unlimited`
 * is given (CPU measurements, where the rate would only stretch the run). Prints
 * {"baseUrl": …} once listening and runs until its stdin closes.
 */
async function main(): Promise<void> {
  const [portal, contacts, appBaseUrl, limits] = process.argv.slice(2);
  const sandbox = await startSandbox({
    app: {
      ...SANDBOX_APP,
      redirectUris: [`${appBaseUrl}/oauth/callback`, `${appBaseUrl}${SIGNIN_CALLBACK_PATH}`],
      scopes: [...requiredScopes(), ...optionalScopes()],
      targetBaseUrl: appBaseUrl,
    },
    portals: [{ portalId: Number(portal), contacts: Number(contacts) }],
    rateLimit: { enabled: limits !== 'unlimited', perTenSeconds: 110, searchPerSecond: 5 },
    webhooks: { enabled: false },
  });
  process.stdout.write(`${JSON.stringify({ baseUrl: sandbox.baseUrl })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void sandbox.close().then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
