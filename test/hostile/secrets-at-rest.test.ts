import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Request, Response } from 'express';
import { AdminSessions, hashSecret } from '../../src/admin/admin-sessions';
import { TokenCrypto } from '../../src/install/token-crypto';
import { fixedClock } from '../../src/platform/clock';
import { openStorage, type Storage } from '../../src/storage/connect';
import { createStores } from '../../src/storage/stores';
import { engines } from '../support/databases';

const mode = (file: string) => statSync(file).mode & 0o777;

describe('hostile input: sealed tokens need their full GCM tag', () => {
  const crypto = new TokenCrypto(randomBytes(32));
  const sealed = crypto.encrypt('refresh-token-value', 'portal:1:refresh');
  const [version, iv, tag, body] = sealed.split('.');

  it('opens an intact token', () => {
    expect(crypto.decrypt(sealed, 'portal:1:refresh')).toBe('refresh-token-value');
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
  });

  it.each([4, 8, 12, 15])('refuses the same token with its tag cut to %i bytes', (bytes) => {
    const truncated = [version, iv, Buffer.from(tag, 'base64url').subarray(0, bytes).toString('base64url'), body].join('.');
    expect(() => crypto.decrypt(truncated, 'portal:1:refresh')).toThrow();
  });
});

describe('hostile input: the SQLite database is private to the app', () => {
  let dir: string;
  let storage: Storage | null = null;
  let umask: number;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'personas-modes-'));
    // The most permissive umask: the modes must not depend on the operator's.
    umask = process.umask(0);
  });
  afterEach(async () => {
    process.umask(umask);
    await storage?.close();
    storage = null;
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the data folder 0700 and the database, -wal and -shm files 0600', async () => {
    const file = path.join(dir, 'data', 'personas.db');
    storage = await openStorage(`sqlite:${file}`);
    await createStores(storage).crm.upsertContacts(
      1,
      [{ id: '1', email: 'a@b.example', properties: {}, hsUpdatedAt: 1, archived: false }],
      1,
    );

    expect(mode(path.join(dir, 'data'))).toBe(0o700);
    for (const part of [file, `${file}-wal`, `${file}-shm`]) expect([part, mode(part)]).toEqual([part, 0o600]);
  });

  it('tightens a database file created world-readable before this rule', async () => {
    const file = path.join(dir, 'old.db');
    const first = await openStorage(`sqlite:${file}`);
    await first.close();
    chmodSync(file, 0o644);

    storage = await openStorage(`sqlite:${file}`);
    expect(mode(file)).toBe(0o600);
  });
});

describe.each(engines)('hostile input: CSRF tokens are stored hashed, like session ids (%s)', (_engine, open) => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await open();
  });
  afterAll(async () => {
    await storage?.close();
  });

  it('stores neither the session id nor the CSRF token, and still gives the signed-in page its token', async () => {
    const stores = createStores(storage);
    const sessions = new AdminSessions({ store: stores.adminSessions, clock: fixedClock(Date.now()), secure: false });
    let cookie = '';
    const res = {
      cookie: (_name: string, value: string) => {
        cookie = value;
      },
    } as unknown as Response;
    const session = await sessions.start(res, { portalId: 31, userEmail: 'ann@acme.example', userId: '7' });
    const req = { header: (name: string) => (name === 'cookie' ? `${sessions.cookieName}=${cookie}` : undefined) } as unknown as Request;

    const principal = await sessions.principal(req);
    expect(principal?.csrfToken).toEqual(expect.any(String));
    const rows = await storage.db.selectFrom('admin_sessions').selectAll().execute();
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(cookie);
    expect(stored).not.toContain(principal!.csrfToken!);
    expect(session.csrfTokenHash).toBe(hashSecret(principal!.csrfToken!));

    const stranger = {
      header: (name: string) => (name === 'cookie' ? `${sessions.cookieName}=${cookie}x` : undefined),
    } as unknown as Request;
    expect(await sessions.principal(stranger)).toBeNull();
  });
});
