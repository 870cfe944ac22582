/**
 * HubSpot's OAuth v3 token endpoints, called with plain fetch (form-urlencoded, secrets in the
 * body): @hubspot/api-client 14 only knows the v1 endpoints that are switched off in February 2027.
 * Error messages never carry tokens or codes.
 */

export interface OAuthTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
}

export interface AccessTokenInfo {
  readonly hubId: number;
  readonly hubDomain: string | null;
  readonly scopes: readonly string[];
  readonly user: string | null;
}

/** `rejected`: HubSpot refused the grant (bad code or refresh token); `transient`: try again later. */
export class OAuthTokenError extends Error {
  constructor(
    readonly kind: 'rejected' | 'transient',
    readonly status: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'OAuthTokenError';
  }
}

export interface OAuthClientOptions {
  readonly apiBaseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

export class OAuthClient {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: OAuthClientOptions) {
    this.fetchImpl = options.fetch ?? fetch;
  }

  exchangeCode(code: string): Promise<OAuthTokens> {
    return this.token({ grant_type: 'authorization_code', code, redirect_uri: this.options.redirectUri });
  }

  refresh(refreshToken: string): Promise<OAuthTokens> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  async introspect(accessToken: string): Promise<AccessTokenInfo> {
    const body = await this.post('/oauth/v3/token/introspect', { token: accessToken, token_type_hint: 'access_token' }, 'introspection');
    const hubId = Number(body.hub_id);
    if (body.active !== true || !Number.isInteger(hubId) || hubId <= 0) {
      throw new OAuthTokenError('rejected', 200, 'HubSpot reports the new access token as inactive or without a portal id');
    }
    return {
      hubId,
      hubDomain: typeof body.hub_domain === 'string' ? body.hub_domain : null,
      scopes: Array.isArray(body.scopes) ? body.scopes.map(String) : [],
      user: typeof body.user === 'string' ? body.user : null,
    };
  }

  private async token(fields: Record<string, string>): Promise<OAuthTokens> {
    const body = await this.post('/oauth/v3/token', fields, fields.grant_type === 'refresh_token' ? 'token refresh' : 'code exchange');
    const accessToken = body.access_token;
    const refreshToken = body.refresh_token;
    const expiresIn = Number(body.expires_in);
    if (typeof accessToken !== 'string' || typeof refreshToken !== 'string' || !Number.isFinite(expiresIn)) {
      throw new OAuthTokenError('transient', 200, 'HubSpot answered the token request without the expected fields');
    }
    return { accessToken, refreshToken, expiresIn };
  }

  private async post(path: string, fields: Record<string, string>, what: string): Promise<Record<string, unknown>> {
    const form = new URLSearchParams({ ...fields, client_id: this.options.clientId, client_secret: this.options.clientSecret });
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.options.apiBaseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (err) {
      throw new OAuthTokenError('transient', null, `HubSpot ${what} failed: ${err instanceof Error ? err.message : 'network error'}`);
    }
    const parsed = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.ok) return parsed;
    const code = typeof parsed.error === 'string' ? parsed.error : typeof parsed.status === 'string' ? parsed.status : 'unknown';
    // 4xx from the token endpoint means the grant or the client is bad: retrying cannot help.
    const kind = response.status >= 400 && response.status < 500 && response.status !== 429 ? 'rejected' : 'transient';
    throw new OAuthTokenError(kind, response.status, `HubSpot ${what} failed with ${response.status} (${code})`);
  }
}
