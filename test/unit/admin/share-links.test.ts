import { randomBytes } from 'node:crypto';
import { ShareLinks, shareLinkSecret, type ShareRevocationStore } from '../../../src/admin/share-links';

function memoryRevocations(): ShareRevocationStore {
  const at = new Map<number, number>();
  return {
    revokedBefore: async (p) => at.get(p) ?? null,
    revokeAll: async (p, t) => {
      at.set(p, t);
    },
  };
}

const T0 = 1_780_000_000_000;

describe('share links', () => {
  const key = randomBytes(32);
  const links = () => new ShareLinks({ secret: shareLinkSecret(key), revocations: memoryRevocations() });

  it('grants the portal and version it was issued for', async () => {
    const l = links();
    expect(await l.verify(l.issue(42, 3, T0))).toEqual({ portalId: 42, version: 3, issuedAt: T0 });
    expect(await l.verify(l.issue(42, null, T0))).toEqual({ portalId: 42, version: null, issuedAt: T0 });
  });

  it('refuses a token whose portal or version was altered, or signed with another key', async () => {
    const l = links();
    const token = l.issue(42, 3, T0);
    const [, version, issued, mac] = token.split('.');
    expect(await l.verify(`43.${version}.${issued}.${mac}`)).toBeNull();
    expect(await l.verify(`42.4.${issued}.${mac}`)).toBeNull();
    const other = new ShareLinks({ secret: shareLinkSecret(randomBytes(32)), revocations: memoryRevocations() });
    expect(await other.verify(token)).toBeNull();
    expect(await l.verify('garbage')).toBeNull();
  });

  it('kills every earlier link of the portal on revocation, and only those', async () => {
    const l = links();
    const old = l.issue(42, 3, T0);
    const otherPortal = l.issue(7, 1, T0);
    await l.revokeAll(42, T0 + 10);
    const fresh = l.issue(42, 3, T0 + 11);
    expect(await l.verify(old)).toBeNull();
    expect(await l.verify(otherPortal)).not.toBeNull();
    expect(await l.verify(fresh)).not.toBeNull();
  });

  it('signs avatar queries per portal and persona', () => {
    const l = links();
    const sig = new URLSearchParams(l.avatarQuery(42, 'analyst')).get('sig')!;
    expect(l.verifyAvatar(42, 'analyst', sig)).toBe(true);
    expect(l.verifyAvatar(43, 'analyst', sig)).toBe(false);
    expect(l.verifyAvatar(42, 'manager', sig)).toBe(false);
    expect(l.verifyAvatar(42, 'analyst', 'short')).toBe(false);
  });

  it('derives a key distinct from the encryption key itself', () => {
    expect(shareLinkSecret(key).equals(key)).toBe(false);
    expect(shareLinkSecret(key).equals(shareLinkSecret(key))).toBe(true);
  });
});
