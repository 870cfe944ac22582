import { randomBytes } from 'node:crypto';
import { OAuthTokenError, type OAuthTokens } from '../../../src/install/oauth-client';
import type { PortalRecord, PortalStore } from '../../../src/install/portal-store';
import { TokenCrypto } from '../../../src/install/token-crypto';
import { TokenService } from '../../../src/install/token-service';
import { fixedClock } from '../../../src/platform/clock';
import { silentLogger } from '../../../src/platform/logger';
import { ReauthorizationRequiredError } from '../../../src/crm/hubspot-port';

class MemoryPortals implements PortalStore {
  readonly rows = new Map<number, PortalRecord>();
  async upsert(p: PortalRecord) {
    this.rows.set(p.portalId, p);
  }
  async get(id: number) {
    return this.rows.get(id) ?? null;
  }
  async list() {
    return [...this.rows.values()];
  }
  async updateTokens(id: number, t: { accessTokenEnc: string; refreshTokenEnc: string; accessExpiresAt: number }, now: number) {
    this.rows.set(id, { ...this.rows.get(id)!, ...t, updatedAt: now });
  }
  async setState(id: number, state: PortalRecord['state'], lastError: string | null, now: number) {
    this.rows.set(id, { ...this.rows.get(id)!, state, lastError, updatedAt: now });
  }
}

function setup(refresh: (token: string) => Promise<OAuthTokens>) {
  const clock = fixedClock(1_000_000);
  const portals = new MemoryPortals();
  const calls: string[] = [];
  const service = new TokenService({
    portals,
    crypto: new TokenCrypto(randomBytes(32)),
    clock,
    logger: silentLogger,
    transientRetryDelaysMs: [1, 1],
    oauth: {
      refresh: async (token) => {
        calls.push(token);
        return refresh(token);
      },
    },
  });
  return { clock, portals, calls, service };
}

async function installed(s: ReturnType<typeof setup>) {
  const sealed = s.service.seal(9, { accessToken: 'access-1', refreshToken: 'refresh-1', expiresIn: 1800 }, s.clock.now());
  await s.portals.upsert({
    portalId: 9,
    hubDomain: null,
    state: 'installed',
    scopes: [],
    ...sealed,
    installedAt: 0,
    updatedAt: 0,
    installedBy: null,
    lastError: null,
  });
}

describe('access tokens per portal', () => {
  it('hands out the stored token while it is fresh, without refreshing', async () => {
    const s = setup(async () => ({ accessToken: 'x', refreshToken: 'r', expiresIn: 1800 }));
    await installed(s);
    expect(await s.service.accessToken(9)).toBe('access-1');
    expect(s.calls).toEqual([]);
  });

  it('refreshes once for any number of concurrent callers when the token is about to expire', async () => {
    let n = 0;
    const s = setup(async () => {
      n += 1;
      await new Promise((r) => setTimeout(r, 20));
      return { accessToken: `access-${n + 1}`, refreshToken: 'refresh-1', expiresIn: 1800 };
    });
    await installed(s);
    s.clock.advance(1_790_000);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => s.service.accessToken(9)));
    expect(new Set(tokens)).toEqual(new Set(['access-2']));
    expect(s.calls).toEqual(['refresh-1']);
  });

  it('after a 401, uses a token someone else refreshed meanwhile instead of refreshing again', async () => {
    const s = setup(async () => ({ accessToken: 'access-2', refreshToken: 'refresh-1', expiresIn: 1800 }));
    await installed(s);
    expect(await s.service.refreshAfterRejection(9, 'access-1')).toBe('access-2');
    expect(await s.service.refreshAfterRejection(9, 'access-1')).toBe('access-2');
    expect(s.calls).toHaveLength(1);
  });

  it('marks the portal needs_reauth when HubSpot rejects the refresh token, and stops asking HubSpot', async () => {
    const s = setup(async () => {
      throw new OAuthTokenError('rejected', 400, 'invalid_grant');
    });
    await installed(s);
    s.clock.advance(1_800_000);
    await expect(s.service.accessToken(9)).rejects.toBeInstanceOf(ReauthorizationRequiredError);
    expect((await s.portals.get(9))?.state).toBe('needs_reauth');
    await expect(s.service.accessToken(9)).rejects.toBeInstanceOf(ReauthorizationRequiredError);
    expect(s.calls).toHaveLength(1);
  });

  it('retries a transient refresh failure a bounded number of times and keeps the portal installed', async () => {
    const s = setup(async () => {
      throw new OAuthTokenError('transient', 503, 'down');
    });
    await installed(s);
    s.clock.advance(1_800_000);
    await expect(s.service.accessToken(9)).rejects.toThrow(/503|down/);
    expect(s.calls).toHaveLength(3);
    expect((await s.portals.get(9))?.state).toBe('installed');
  });
});
