import {
  approveFromMarketplace,
  approveInstall,
  CookieJar,
  followCallback,
  installFromMarketplace,
  startInstall,
} from '../../src/demo/browser-install';
import { fixedClock } from '../../src/platform/clock';
import { startAppHarness, type Harness } from '../support/app-harness';

/**
 * HubSpot's Marketplace ("seamless") install: HubSpot authorizes on its side and calls the app's
 * install URL with `code` and `returnUrl`, without any state the app issued (docs/hubspot-contracts.md, Installs).
 */
describe('installing the app from the HubSpot Marketplace', () => {
  let h: Harness;
  let tokenRequests: { grantType: string | null; redirectUri: string | null; path: string }[];

  const start = async (tuning: { syncOnInstall?: boolean } = { syncOnInstall: false }, clock?: ReturnType<typeof fixedClock>) => {
    tokenRequests = [];
    const countingFetch: typeof fetch = async (input, init) => {
      const form = new URLSearchParams(String(init?.body ?? ''));
      tokenRequests.push({
        path: new URL(String(input)).pathname,
        grantType: form.get('grant_type'),
        redirectUri: form.get('redirect_uri'),
      });
      return fetch(input, init);
    };
    h = await startAppHarness({ contacts: 40, clock, tuning: { ...tuning, oauthFetch: countingFetch } });
  };
  afterEach(async () => {
    await h.close();
  });

  it('exchanges the code on v3, introspects, stores the portal, creates the properties and sends the browser back to HubSpot', async () => {
    await start();
    const result = await installFromMarketplace(h.sandbox.baseUrl, h.portalId);
    const installUrl = new URL(result.installUrl);
    expect(`${installUrl.origin}${installUrl.pathname}`).toBe(`${h.appBaseUrl}/oauth/callback`);
    expect(installUrl.searchParams.has('state')).toBe(false);
    expect(result.status).toBe(302);
    expect(result.location).toBe(installUrl.searchParams.get('returnUrl'));
    expect(tokenRequests.map((r) => [r.path, r.grantType, r.redirectUri])).toEqual([
      ['/oauth/v3/token', 'authorization_code', `${h.appBaseUrl}/oauth/callback`],
      ['/oauth/v3/token/introspect', null, null],
    ]);
    expect((await h.app.stores.portals.get(h.portalId))?.state).toBe('installed');
    expect(h.sandbox.data.store(h.portalId).properties.contacts.get('persona')?.type).toBe('enumeration');
    const back = await fetch(result.location!);
    expect(back.status).toBe(200);
    expect(await back.text()).toContain(`account ${h.portalId}`);
  });

  it('starts the first sync, as an install from our own link does', async () => {
    await start({});
    const result = await installFromMarketplace(h.sandbox.baseUrl, h.portalId);
    expect(result.status).toBe(302);
    await h.waitForFirstSync();
    expect(Object.values(await h.app.stores.assignments.distribution(h.portalId)).reduce((a, b) => a + b, 0)).toBe(40);
  });

  it('redirects to HubSpot hosts only: any other returnUrl still installs but shows our installed page', async () => {
    await start();
    const returnTo = async (returnUrl: string) =>
      installFromMarketplace(h.sandbox.baseUrl, h.portalId, (u) => u.searchParams.set('returnUrl', returnUrl));
    const hubspot = await returnTo('https://app.hubspot.com/marketplace/done?portalId=1');
    expect([hubspot.status, hubspot.location]).toEqual([302, 'https://app.hubspot.com/marketplace/done?portalId=1']);
    const apex = await returnTo('https://hubspot.com/x');
    expect([apex.status, apex.location]).toEqual([302, 'https://hubspot.com/x']);
    for (const foreign of [
      'https://evil.example/after',
      'http://app.hubspot.com/plain-http',
      'https://app.hubspot.com.evil.example/',
      'https://user@app.hubspot.com@evil.example/',
      'javascript:alert(1)',
      '//evil.example/',
    ]) {
      const result = await returnTo(foreign);
      expect([foreign, result.status, result.location]).toEqual([foreign, 200, null]);
      expect(result.body).toContain(`portal ${h.portalId}`);
    }
    expect(tokenRequests.filter((r) => r.grantType === 'authorization_code')).toHaveLength(8);
  });

  it('refuses a call with neither code nor state, and one with a code but neither state nor returnUrl, exchanging nothing', async () => {
    await start();
    const installUrl = new URL(await approveFromMarketplace(h.sandbox.baseUrl, h.portalId));
    const noCode = new URL(installUrl);
    noCode.searchParams.delete('code');
    expect((await fetch(noCode, { redirect: 'manual' })).status).toBe(400);
    const noReturn = new URL(installUrl);
    noReturn.searchParams.delete('returnUrl');
    expect((await fetch(noReturn, { redirect: 'manual' })).status).toBe(400);
    expect(tokenRequests).toEqual([]);
    expect(await h.app.stores.portals.get(h.portalId)).toBeNull();
  });

  it('treats a call that carries a state as our own flow: a state we never issued is refused, even with a returnUrl', async () => {
    await start();
    const installUrl = new URL(await approveFromMarketplace(h.sandbox.baseUrl, h.portalId));
    installUrl.searchParams.set('state', 'x'.repeat(43));
    const res = await fetch(installUrl, { redirect: 'manual', headers: { cookie: 'personas_install=' + 'y'.repeat(43) } });
    expect(res.status).toBe(400);
    expect(tokenRequests).toEqual([]);
  });

  it("still refuses our own flow's expired state (older than 10 minutes), exchanging no code, Marketplace support notwithstanding", async () => {
    const clock = fixedClock(Date.now());
    await start({ syncOnInstall: false }, clock);
    const jar = new CookieJar();
    const authorizeUrl = await startInstall(h.appBaseUrl, jar);
    clock.advance(11 * 60_000);
    const callback = new URL(await approveInstall(authorizeUrl, h.portalId));
    callback.searchParams.set('returnUrl', 'https://app.hubspot.com/');
    const result = await followCallback(callback.toString(), jar);
    expect(result.status).toBe(400);
    expect(result.body).toMatch(/not valid any more/);
    expect(tokenRequests).toEqual([]);
  });

  it('refuses a code HubSpot does not accept (used twice) with a clear page and no redirect', async () => {
    await start();
    const installUrl = await approveFromMarketplace(h.sandbox.baseUrl, h.portalId);
    expect((await fetch(installUrl, { redirect: 'manual' })).status).toBe(302);
    const replay = await fetch(installUrl, { redirect: 'manual' });
    expect(replay.status).toBe(400);
    expect(replay.headers.get('location')).toBeNull();
    expect(await replay.text()).toMatch(/did not accept the authorization code/);
  });

  it('shows a clear page when the user cancels (error parameter), exchanging nothing', async () => {
    await start();
    const res = await fetch(
      `${h.appBaseUrl}/oauth/callback?error=access_denied&error_description=User+cancelled&returnUrl=${encodeURIComponent('https://app.hubspot.com/')}`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/not installed[\s\S]*cancelled or not approved/);
    expect(tokenRequests).toEqual([]);
  });
});
