import { randomBytes } from 'node:crypto';
import { TokenCrypto } from '../../../src/install/token-crypto';

describe('sealing tokens with AES-256-GCM', () => {
  const crypto = new TokenCrypto(randomBytes(32));

  it('opens what it sealed, and the sealed text does not contain the token', () => {
    const sealed = crypto.encrypt('CJSP-secret-token', 'portal:1:access');
    expect(sealed).not.toContain('CJSP-secret-token');
    expect(crypto.decrypt(sealed, 'portal:1:access')).toBe('CJSP-secret-token');
  });

  it('seals the same token differently each time (random IV)', () => {
    expect(crypto.encrypt('t', 'a')).not.toBe(crypto.encrypt('t', 'a'));
  });

  it('refuses a token sealed for another portal or purpose', () => {
    const sealed = crypto.encrypt('token', 'portal:1:refresh');
    expect(() => crypto.decrypt(sealed, 'portal:2:refresh')).toThrow();
    expect(() => crypto.decrypt(sealed, 'portal:1:access')).toThrow();
  });

  it('refuses a tampered ciphertext and a different key', () => {
    const sealed = crypto.encrypt('token', 'aad');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3], 'base64url');
    body[0] ^= 1;
    expect(() => crypto.decrypt([...parts.slice(0, 3), body.toString('base64url')].join('.'), 'aad')).toThrow();
    expect(() => new TokenCrypto(randomBytes(32)).decrypt(sealed, 'aad')).toThrow();
  });

  it('rejects keys that are not 32 bytes', () => {
    expect(() => new TokenCrypto(randomBytes(16))).toThrow(RangeError);
  });
});
