import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { PortalId } from '../crm/model';

/** Revocation of share links: every link of a portal issued before the recorded time is dead. */
export interface ShareRevocationStore {
  revokedBefore(portalId: PortalId): Promise<number | null>;
  revokeAll(portalId: PortalId, at: number): Promise<void>;
}

export interface SharedGallery {
  readonly portalId: PortalId;
  /** The rule-set version the link shows; null = the default rule set (nothing published yet). */
  readonly version: number | null;
  readonly issuedAt: number;
}

/** Derives the link-signing key from ENCRYPTION_KEY so that no second secret needs managing. */
export function shareLinkSecret(encryptionKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'personas/share-links/v1', 32));
}

const SIGNATURE_BYTES = 24;

/**
 * Read-only links to a portal's persona gallery: `<portal>.<version>.<issuedAt>.<hmac>`, signed with
 * a server secret (unguessable: 192-bit MAC), bound to one rule-set version, revocable per portal.
 */
export class ShareLinks {
  constructor(private readonly deps: { secret: Buffer; revocations: ShareRevocationStore }) {}

  private sign(payload: string): string {
    return createHmac('sha256', this.deps.secret).update(payload).digest().subarray(0, SIGNATURE_BYTES).toString('base64url');
  }

  issue(portalId: PortalId, version: number | null, now: number): string {
    const payload = `${portalId}.${version ?? 0}.${now.toString(36)}`;
    return `${payload}.${this.sign(payload)}`;
  }

  /** The gallery a token grants, or null when it is malformed, forged or revoked. */
  async verify(token: string): Promise<SharedGallery | null> {
    const match = /^(\d{1,15})\.(\d{1,9})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{32})$/.exec(token);
    if (!match) return null;
    const payload = `${match[1]}.${match[2]}.${match[3]}`;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(match[4]);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const portalId = Number(match[1]);
    const issuedAt = parseInt(match[3], 36);
    const revokedBefore = await this.deps.revocations.revokedBefore(portalId);
    if (revokedBefore !== null && issuedAt <= revokedBefore) return null;
    const version = Number(match[2]);
    return { portalId, version: version === 0 ? null : version, issuedAt };
  }

  /**
   * The query that lets `/static/personas/<id>.svg` draw a portal's persona name: signed, so a
   * stranger cannot read another portal's persona names by guessing its id.
   */
  avatarQuery(portalId: PortalId, personaId: string): string {
    return `portal=${portalId}&sig=${this.sign(`avatar:${portalId}:${personaId}`).slice(0, 22)}`;
  }

  verifyAvatar(portalId: PortalId, personaId: string, sig: string): boolean {
    const expected = Buffer.from(this.sign(`avatar:${portalId}:${personaId}`).slice(0, 22));
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async revokeAll(portalId: PortalId, now: number): Promise<void> {
    await this.deps.revocations.revokeAll(portalId, now);
  }
}
