import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { PortalId } from '../crm/model';

/** The first sync's progress as the install's "what happens next" page shows it. */
export interface InstallProgress {
  /** `syncing` while the first sync runs; `done` once every contact is scored and written; `stopped` when it failed (it resumes on its own). */
  readonly state: 'starting' | 'syncing' | 'done' | 'stopped';
  readonly total: number | null;
  readonly scored: number;
  readonly written: number;
  readonly remaining: number | null;
  readonly contactsPerSecond: number | null;
  readonly etaSeconds: number | null;
}

/** Derives the link-signing key from ENCRYPTION_KEY so that no second secret needs managing. */
export function installProgressSecret(encryptionKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'personas/install-progress/v1', 32));
}

const SIGNATURE_BYTES = 24;
/** Long enough to watch the largest first sync; the admin page shows the same figures after that. */
const VALID_MS = 24 * 3_600_000;

/**
 * The install page follows the first sync without an admin session: it holds a link
 * `<portal>.<issuedAt>.<hmac>` that reveals that portal's sync figures (counts, no contact data)
 * for a day and nothing else. Unguessable (192-bit MAC over the portal id and time).
 */
export class InstallProgressLinks {
  constructor(private readonly secret: Buffer) {}

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest().subarray(0, SIGNATURE_BYTES).toString('base64url');
  }

  issue(portalId: PortalId, now: number): string {
    const payload = `${portalId}.${now.toString(36)}`;
    return `${payload}.${this.sign(payload)}`;
  }

  /** The portal a token names, or null when it is malformed, forged or expired. */
  verify(token: string, now: number): PortalId | null {
    const match = /^(\d{1,15})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{32})$/.exec(token);
    if (!match) return null;
    const expected = Buffer.from(this.sign(`${match[1]}.${match[2]}`));
    const given = Buffer.from(match[3]!);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const issuedAt = parseInt(match[2]!, 36);
    if (!(now >= issuedAt && now - issuedAt <= VALID_MS)) return null;
    return Number(match[1]);
  }
}
