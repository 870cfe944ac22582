import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Tokens at rest: AES-256-GCM with a random 96-bit IV. The associated data binds a ciphertext to
 * its portal and purpose, so a stored refresh token cannot be swapped into another portal's row.
 * Format: `v1.<iv>.<tag>.<ciphertext>`, base64url parts.
 */
const VERSION = 'v1';
const IV_BYTES = 12;
/** GCM accepts tags as short as 4 bytes; a shorter tag is that much easier to forge, so only the full one is taken. */
const TAG_BYTES = 16;

export class TokenCrypto {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new RangeError('AES-256-GCM needs a 32-byte key');
  }

  encrypt(plaintext: string, associatedData: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** Throws when the ciphertext was tampered with, encrypted under another key, or for other associated data. */
  decrypt(sealed: string, associatedData: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) throw new Error('Not a sealed token');
    const iv = Buffer.from(parts[1], 'base64url');
    const tag = Buffer.from(parts[2], 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('Not a sealed token');
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(parts[3], 'base64url')), decipher.final()]).toString('utf8');
  }
}

export const accessTokenAad = (portalId: number) => `portal:${portalId}:access`;
export const refreshTokenAad = (portalId: number) => `portal:${portalId}:refresh`;
