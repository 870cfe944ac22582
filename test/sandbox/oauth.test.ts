import { Client } from '@hubspot/api-client';
import type { Sandbox } from '../../src/sandbox';
import { hubspotError, introspectActive, oauthError, v3TokenResponse } from '../support/sandbox-schemas';
import { PORTAL_A, PORTAL_B, TEST_APP, manualClock, startTestSandbox, type JsonBody } from '../support/sandbox-harness';

const REDIRECT = TEST_APP.redirectUris[0];
const SCOPE = 'oauth crm.objects.contacts.read tickets';

let sandbox: Sandbox;
const clock = manualClock();

beforeAll(async () => {
  sandbox = await startTestSandbox({ clock: clock.now, accessTokenTtlSeconds: 1800 });
});
afterAll(() => sandbox.close());

function authorizeUrl(params: Record<string, string>, path = '/oauth/authorize'): string {
  return `${sandbox.baseUrl}${path}?${new URLSearchParams(params).toString()}`;
}

async function approve(fields: Record<string, string>): Promise<Response> {
  return fetch(`${sandbox.baseUrl}/oauth/authorize/approve`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

async function getCode(portalId = PORTAL_A, state = 'st-1'): Promise<string> {
  const res = await approve({ client_id: TEST_APP.clientId, redirect_uri: REDIRECT, scope: SCOPE, state, portal_id: String(portalId) });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  expect(location.searchParams.get('state')).toBe(state);
  return location.searchParams.get('code')!;
}

async function tokenV3(fields: Record<string, string>, path = '/oauth/v3/token'): Promise<{ status: number; body: JsonBody }> {
  const res = await fetch(`${sandbox.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: TEST_APP.clientId, client_secret: TEST_APP.clientSecret, ...fields }).toString(),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function contactsStatus(accessToken: string): Promise<number> {
  const res = await fetch(`${sandbox.baseUrl}/crm/v3/objects/contacts?limit=1`, { headers: { authorization: `Bearer ${accessToken}` } });
  return res.status;
}

describe('the install page', () => {
  it('lists every sandbox portal with an approve form that posts back the request', async () => {
    const res = await fetch(authorizeUrl({ client_id: TEST_APP.clientId, redirect_uri: REDIRECT, scope: SCOPE, state: 'abc' }));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`data-portal-id="${PORTAL_A}"`);
    expect(html).toContain(`data-portal-id="${PORTAL_B}"`);
    expect(html).toContain('action="/oauth/authorize/approve"');
    expect(html).toContain('name="state" value="abc"');
  });

  it('shows only the pinned portal on /oauth/{portalId}/authorize', async () => {
    const html = await (
      await fetch(authorizeUrl({ client_id: TEST_APP.clientId, redirect_uri: REDIRECT, scope: SCOPE }, `/oauth/${PORTAL_B}/authorize`))
    ).text();
    expect(html).toContain(`data-portal-id="${PORTAL_B}"`);
    expect(html).not.toContain(`data-portal-id="${PORTAL_A}"`);
  });

  it.each([
    ['an unknown client id', { client_id: 'nope', redirect_uri: REDIRECT, scope: SCOPE }, /Unknown client_id/],
    [
      'an unregistered redirect URI',
      { client_id: TEST_APP.clientId, redirect_uri: 'https://evil.example/cb', scope: SCOPE },
      /redirect_uri/,
    ],
    ['a scope the app does not declare', { client_id: TEST_APP.clientId, redirect_uri: REDIRECT, scope: 'oauth content' }, /content/],
    [
      'an optional scope the app does not declare',
      { client_id: TEST_APP.clientId, redirect_uri: REDIRECT, scope: 'oauth', optional_scope: 'e-commerce' },
      /e-commerce/,
    ],
  ])('refuses %s with an error page', async (_name, params, message) => {
    const res = await fetch(authorizeUrl(params));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(message);
    const post = await approve({ ...params, portal_id: String(PORTAL_A) });
    expect(post.status).toBe(400);
  });
});

describe('OAuth v3 tokens', () => {
  it('exchanges a code once for tokens in the documented shape', async () => {
    const code = await getCode();
    const first = await tokenV3({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(first.status).toBe(200);
    const tokens = v3TokenResponse.parse(first.body);
    expect(tokens).toMatchObject({ hub_id: PORTAL_A, expires_in: 1800, token_type: 'bearer', token_use: 'access_token' });
    expect(tokens.scopes).toEqual(SCOPE.split(' '));
    expect(await contactsStatus(tokens.access_token)).toBe(200);
    const second = await tokenV3({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(second.status).toBe(400);
    expect(oauthError.parse(second.body)).toMatchObject({ error: 'invalid_grant', status: 'BAD_AUTH_CODE' });
  });

  it('refuses a code older than ten minutes, or used with another redirect URI', async () => {
    const stale = await getCode();
    clock.advance(10 * 60 * 1000 + 1);
    expect((await tokenV3({ grant_type: 'authorization_code', code: stale, redirect_uri: REDIRECT })).body.status).toBe('BAD_AUTH_CODE');
    const code = await getCode();
    const mismatch = await tokenV3({ grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:9/other' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.status).toBe('BAD_REDIRECT_URI');
  });

  it('plays a Marketplace install: code and returnUrl to the install URL, no state, the code bound to that URL, exchanged on v3', async () => {
    const res = await fetch(`${sandbox.baseUrl}/oauth/marketplace/approve`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `portal_id=${PORTAL_A}`,
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect([...location.searchParams.keys()].sort()).toEqual(['code', 'returnUrl']);
    expect(new URL(location.searchParams.get('returnUrl')!).origin).toBe(sandbox.baseUrl);
    const code = location.searchParams.get('code')!;
    const elsewhere = await tokenV3({ grant_type: 'authorization_code', code, redirect_uri: 'https://other.example/cb' });
    expect(elsewhere.status).toBe(400);
    const granted = await tokenV3({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(granted.status).toBe(200);
    expect(v3TokenResponse.parse(granted.body)).toMatchObject({ hub_id: PORTAL_A });
    expect((await tokenV3({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).status).toBe(400);
    const unknownPortal = await fetch(`${sandbox.baseUrl}/oauth/marketplace/approve`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'portal_id=1',
    });
    expect(unknownPortal.status).toBe(400);
  });

  it('refuses a wrong client secret', async () => {
    const code = await getCode();
    const res = await tokenV3({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_secret: 'wrong' });
    expect(res.status).toBe(400);
    expect(oauthError.parse(res.body).error).toBe('invalid_client');
  });

  it('expires access tokens after their TTL with a 401, and refreshes them', async () => {
    const code = await getCode();
    const tokens = (await tokenV3({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).body;
    clock.advance(1799 * 1000);
    expect(await contactsStatus(tokens.access_token)).toBe(200);
    clock.advance(1000);
    const expired = await fetch(`${sandbox.baseUrl}/crm/v3/objects/contacts`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(expired.status).toBe(401);
    expect(hubspotError.parse(await expired.json()).category).toBe('EXPIRED_AUTHENTICATION');
    const refreshed = await tokenV3({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(tokens.access_token);
    expect(refreshed.body.refresh_token).toBe(tokens.refresh_token);
    expect(await contactsStatus(refreshed.body.access_token)).toBe(200);
  });

  it('refuses an unknown refresh token with the legacy BAD_REFRESH_TOKEN status', async () => {
    const res = await tokenV3({ grant_type: 'refresh_token', refresh_token: 'na1-nope' });
    expect(res.status).toBe(400);
    expect(oauthError.parse(res.body)).toMatchObject({ error: 'invalid_grant', status: 'BAD_REFRESH_TOKEN' });
  });

  it('introspects access and refresh tokens under every field spelling, and reports dead ones inactive', async () => {
    const { accessToken, refreshToken } = sandbox.tokens.issue(PORTAL_B);
    const spellings: Record<string, string>[] = [
      { token: accessToken },
      { access_token: accessToken },
      { token: accessToken, token_type_hint: 'access_token' },
    ];
    for (const fields of spellings) {
      const res = await tokenV3(fields, '/oauth/v3/token/introspect');
      expect(introspectActive.parse(res.body)).toMatchObject({ hub_id: PORTAL_B, token_use: 'access_token', expires_in: 1800 });
    }
    const refresh = await tokenV3({ refresh_token: refreshToken }, '/oauth/v3/token/introspect');
    expect(introspectActive.parse(refresh.body).token_use).toBe('refresh_token');
    expect((await tokenV3({ token: 'garbage' }, '/oauth/v3/token/introspect')).body).toEqual({ active: false });
  });

  it('revokes a refresh token together with the access tokens minted from it', async () => {
    const { accessToken, refreshToken } = sandbox.tokens.issue(PORTAL_A);
    const res = await tokenV3({ token: refreshToken, token_type_hint: 'refresh_token' }, '/oauth/v3/token/revoke');
    expect(res.status).toBe(200);
    expect(await contactsStatus(accessToken)).toBe(401);
    expect((await tokenV3({ grant_type: 'refresh_token', refresh_token: refreshToken })).body.status).toBe('BAD_REFRESH_TOKEN');
  });
});

describe('OAuth v1 through the SDK', () => {
  const oauthClient = () => new Client({ basePath: sandbox.baseUrl });

  it('exchanges a code and refreshes with tokensApi.create', async () => {
    const code = await getCode(PORTAL_B);
    const api = oauthClient().oauth.tokensApi;
    const tokens = await api.create('authorization_code', code, REDIRECT, TEST_APP.clientId, TEST_APP.clientSecret);
    expect(tokens).toMatchObject({ tokenType: 'bearer', expiresIn: 1800 });
    const refreshed = await api.create(
      'refresh_token',
      undefined,
      undefined,
      TEST_APP.clientId,
      TEST_APP.clientSecret,
      tokens.refreshToken,
    );
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    const reused = await api
      .create('authorization_code', code, REDIRECT, TEST_APP.clientId, TEST_APP.clientSecret)
      .catch((e: { code: number; body: unknown }) => e);
    expect(reused).toMatchObject({ code: 400, body: { status: 'BAD_AUTH_CODE' } });
  });

  it('describes access and refresh tokens, and deletes refresh tokens', async () => {
    const { accessToken, refreshToken } = sandbox.tokens.issue(PORTAL_B);
    const client = oauthClient();
    const info = await client.oauth.accessTokensApi.get(accessToken);
    expect(info).toMatchObject({ hubId: PORTAL_B, appId: TEST_APP.appId, expiresIn: 1800 });
    expect(info.scopes).toEqual(expect.arrayContaining(['crm.objects.contacts.read']));
    const refreshInfo = await client.oauth.refreshTokensApi.get(refreshToken);
    expect(refreshInfo).toMatchObject({ hubId: PORTAL_B, clientId: TEST_APP.clientId });
    await client.oauth.refreshTokensApi.archive(refreshToken);
    await expect(client.oauth.refreshTokensApi.get(refreshToken)).rejects.toMatchObject({ code: 404 });
    expect(await contactsStatus(accessToken)).toBe(401);
  });
});

describe('revoking a whole portal', () => {
  it('turns every token of that portal into a 401 through the SDK, leaving other portals alone', async () => {
    const a = sandbox.tokens.issue(PORTAL_A);
    const b = sandbox.tokens.issue(PORTAL_B);
    sandbox.faults.revokeTokens(PORTAL_A);
    const client = new Client({ accessToken: a.accessToken, basePath: sandbox.baseUrl });
    const err = await client.crm.contacts.basicApi.getPage(1).catch((e: { code: number; body: unknown }) => e);
    expect(err).toMatchObject({ code: 401 });
    expect(hubspotError.parse((err as { body: unknown }).body).category).toBe('INVALID_AUTHENTICATION');
    expect(await contactsStatus(b.accessToken)).toBe(200);
    expect((await tokenV3({ grant_type: 'refresh_token', refresh_token: a.refreshToken })).status).toBe(400);
  });
});
