import request from 'supertest';
import { approveInstall, CookieJar, followCallback, startInstall } from '../../src/demo/browser-install';
import { INSTALL_COOKIE } from '../../src/install/oauth-routes';
import { startAppHarness, type Harness } from '../support/app-harness';

describe('installing the app by OAuth into the sandbox portal', () => {
  let h: Harness;
  let tokenRequests: string[];

  beforeEach(async () => {
    tokenRequests = [];
    const countingFetch: typeof fetch = async (input, init) => {
      if (String(input).endsWith('/oauth/v3/token')) tokenRequests.push(new URLSearchParams(String(init?.body)).get('grant_type') ?? '');
      return fetch(input, init);
    };
    h = await startAppHarness({ contacts: 40, tuning: { syncOnInstall: false, oauthFetch: countingFetch } });
  });
  afterEach(async () => {
    await h.close();
  });

  it('redirects to the authorize page with the client id, the callback, the required scopes and a state, and sets a browser cookie', async () => {
    const res = await request(h.app.http).get('/oauth/install');
    expect(res.status).toBe(302);
    const url = new URL(res.headers.location);
    expect(`${url.origin}${url.pathname}`).toBe(`${h.sandbox.baseUrl}/oauth/authorize`);
    expect(url.searchParams.get('client_id')).toBe(h.config.hubspot.clientId);
    expect(url.searchParams.get('redirect_uri')).toBe(`${h.appBaseUrl}/oauth/callback`);
    expect(url.searchParams.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['oauth', 'crm.objects.contacts.write', 'tickets']));
    // Lists are read only to warn before a publish: asked for as optional, never required.
    expect(url.searchParams.get('optional_scope')?.split(' ')).toContain('crm.lists.read');
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain(`${INSTALL_COOKIE}=`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it('installs through the real flow: tokens stored sealed, portal id from introspection, persona properties created', async () => {
    const jar = new CookieJar();
    const callback = await approveInstall(await startInstall(h.appBaseUrl, jar), h.portalId);
    const result = await followCallback(callback, jar);
    expect(result.status).toBe(200);
    expect(result.body).toContain(`portal ${h.portalId}`);
    expect(result.body).toMatch(/What happens next/);
    expect(tokenRequests).toEqual(['authorization_code']);

    const portal = await h.app.stores.portals.get(h.portalId);
    expect(portal?.state).toBe('installed');
    expect(portal?.accessTokenEnc).toMatch(/^v1\./);
    const plain = await h.app.services.tokens.accessToken(h.portalId);
    expect(portal?.accessTokenEnc).not.toContain(plain);

    const property = h.sandbox.data.store(h.portalId).properties.contacts.get('persona');
    expect(property?.type).toBe('enumeration');
    expect(property?.options.map((o) => o.value)).toContain('unassigned');
    expect(h.sandbox.data.store(h.portalId).properties.contacts.get('persona_score')?.type).toBe('number');
  });

  it('updates the portal when it is installed again, keeping the install date and leaving the properties as they are', async () => {
    await h.install();
    const first = await h.app.stores.portals.get(h.portalId);
    const optionsBefore = h.sandbox.data.store(h.portalId).properties.contacts.get('persona')?.options;
    await h.install();
    const second = await h.app.stores.portals.get(h.portalId);
    expect(second?.installedAt).toBe(first?.installedAt);
    expect(second?.accessTokenEnc).not.toBe(first?.accessTokenEnc);
    expect(h.sandbox.data.store(h.portalId).properties.contacts.get('persona')?.options).toEqual(optionsBefore);
    expect((await h.app.stores.ruleSets.list(h.portalId)).length).toBe(1);
  });

  it('refuses a callback without a state, and exchanges no code', async () => {
    const jar = new CookieJar();
    const callback = new URL(await approveInstall(await startInstall(h.appBaseUrl, jar), h.portalId));
    callback.searchParams.delete('state');
    const result = await followCallback(callback.toString(), jar);
    expect(result.status).toBe(400);
    expect(tokenRequests).toEqual([]);
    expect(await h.app.stores.portals.get(h.portalId)).toBeNull();
  });

  it('refuses a callback with a state the app never issued', async () => {
    const jar = new CookieJar();
    const callback = new URL(await approveInstall(await startInstall(h.appBaseUrl, jar), h.portalId));
    callback.searchParams.set('state', 'x'.repeat(43));
    expect((await followCallback(callback.toString(), jar)).status).toBe(400);
    expect(tokenRequests).toEqual([]);
  });

  it('refuses a state used a second time', async () => {
    const jar = new CookieJar();
    const callback = await approveInstall(await startInstall(h.appBaseUrl, jar), h.portalId);
    const browserCookie = jar.header();
    expect((await followCallback(callback, jar)).status).toBe(200);
    const replay = await fetch(callback, { redirect: 'manual', headers: { cookie: browserCookie } });
    expect(replay.status).toBe(400);
    expect(tokenRequests).toEqual(['authorization_code']);
  });

  it('refuses a state that another browser started', async () => {
    const victim = new CookieJar();
    const attacker = new CookieJar();
    await startInstall(h.appBaseUrl, victim);
    const callback = await approveInstall(await startInstall(h.appBaseUrl, attacker), h.portalId);
    expect((await followCallback(callback, victim)).status).toBe(400);
    expect(tokenRequests).toEqual([]);
  });
});
