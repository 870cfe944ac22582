import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, parseEncryptionKey } from '../../../src/platform/config';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'personas-config-'));
const HEX_KEY = 'ab'.repeat(32);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ DATA_DIR: tmp(), ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('starts in sandbox mode on embedded defaults', () => {
    const config = loadConfig({ DATA_DIR: tmp() });
    expect(config).toMatchObject({
      port: 3000,
      appBaseUrl: 'http://localhost:3000',
      mode: 'sandbox',
      databaseUrl: 'sqlite:./data/personas.db',
      personasConfigPath: 'config/personas.json',
      logLevel: 'info',
      adminToken: undefined,
    });
    expect(config.encryptionKey).toHaveLength(32);
  });

  it('keeps the generated sandbox key across restarts', () => {
    const dir = tmp();
    const first = loadConfig({ DATA_DIR: dir }).encryptionKey;
    expect(loadConfig({ DATA_DIR: dir }).encryptionKey.equals(first)).toBe(true);
    expect(readFileSync(path.join(dir, 'sandbox-encryption.key'), 'utf8')).toBe(first.toString('hex'));
  });

  it('derives the public base URL from the port and strips a trailing slash', () => {
    expect(loadConfig({ DATA_DIR: tmp(), PORT: '8080' }).appBaseUrl).toBe('http://localhost:8080');
    expect(loadConfig({ DATA_DIR: tmp(), APP_BASE_URL: 'https://personas.example.com/' }).appBaseUrl).toBe('https://personas.example.com');
  });

  it('runs in HubSpot mode with complete credentials', () => {
    const config = loadConfig({
      HUBSPOT_CLIENT_ID: 'cid',
      HUBSPOT_CLIENT_SECRET: 'secret',
      HUBSPOT_APP_ID: '123',
      ENCRYPTION_KEY: HEX_KEY,
      APP_BASE_URL: 'https://p.example.com',
      DATABASE_URL: 'postgres://u@db/x',
    });
    expect(config.mode).toBe('hubspot');
    expect(config.hubspot).toMatchObject({
      clientId: 'cid',
      clientSecret: 'secret',
      appId: 123,
      apiBaseUrl: 'https://api.hubapi.com',
      authBaseUrl: 'https://app.hubspot.com',
    });
  });

  it('names every missing HubSpot setting at once', () => {
    expect(problemsOf({ HUBSPOT_CLIENT_ID: 'cid' })).toEqual([
      'HUBSPOT_CLIENT_SECRET: required when HUBSPOT_CLIENT_ID is set',
      'HUBSPOT_APP_ID: required when HUBSPOT_CLIENT_ID is set',
      'ENCRYPTION_KEY: required when HUBSPOT_CLIENT_ID is set',
      'APP_BASE_URL: required when HUBSPOT_CLIENT_ID is set (HubSpot must reach the app)',
    ]);
  });

  it('refuses production without HubSpot credentials, naming each missing variable, instead of starting the sandbox', () => {
    const why = 'required in production (NODE_ENV=production never starts the sandbox portal)';
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual(
      ['HUBSPOT_CLIENT_ID', 'HUBSPOT_CLIENT_SECRET', 'HUBSPOT_APP_ID', 'ENCRYPTION_KEY', 'APP_BASE_URL'].map((v) => `${v}: ${why}`),
    );
    expect(
      problemsOf({ NODE_ENV: 'production', HUBSPOT_CLIENT_ID: 'cid', HUBSPOT_APP_ID: '1', APP_BASE_URL: 'https://p.example.com' }),
    ).toEqual([`HUBSPOT_CLIENT_SECRET: ${why}`, `ENCRYPTION_KEY: ${why}`]);
    expect(
      loadConfig({
        NODE_ENV: 'production',
        HUBSPOT_CLIENT_ID: 'cid',
        HUBSPOT_CLIENT_SECRET: 's',
        HUBSPOT_APP_ID: '1',
        ENCRYPTION_KEY: HEX_KEY,
        APP_BASE_URL: 'https://p.example.com',
      }).mode,
    ).toBe('hubspot');
    expect(loadConfig({ DATA_DIR: tmp(), NODE_ENV: 'development' }).mode).toBe('sandbox');
  });

  it('names each malformed variable', () => {
    const problems = problemsOf({
      PORT: 'abc',
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
      APP_BASE_URL: 'not a url',
      SYNC_CRON: 'often',
      ADMIN_TOKEN: 'short',
      REDIS_URL: 'localhost:6379',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'ADMIN_TOKEN',
      'APP_BASE_URL',
      'DATABASE_URL',
      'LOG_LEVEL',
      'PORT',
      'REDIS_URL',
      'SYNC_CRON',
    ]);
  });

  it('rejects an encryption key that is not 32 bytes', () => {
    expect(problemsOf({ ENCRYPTION_KEY: 'abcd' })).toEqual(['ENCRYPTION_KEY: must be 32 bytes, as 64 hex characters or base64']);
  });

  it('reads 32-byte keys as hex or base64', () => {
    expect(parseEncryptionKey(HEX_KEY)?.toString('hex')).toBe(HEX_KEY);
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect(parseEncryptionKey(b64)?.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(parseEncryptionKey(Buffer.alloc(31).toString('base64'))).toBeNull();
  });

  it('treats blank variables as unset', () => {
    expect(loadConfig({ DATA_DIR: tmp(), HUBSPOT_CLIENT_ID: '  ', ADMIN_TOKEN: '' }).mode).toBe('sandbox');
  });

  describe('APP_ROLE', () => {
    const hubspot = {
      HUBSPOT_CLIENT_ID: 'cid',
      HUBSPOT_CLIENT_SECRET: 'secret',
      HUBSPOT_APP_ID: '123',
      ENCRYPTION_KEY: HEX_KEY,
      APP_BASE_URL: 'https://p.example.com',
    };

    it('defaults to all, which SQLite allows', () => {
      expect(loadConfig({ DATA_DIR: tmp() }).role).toBe('all');
      expect(loadConfig({ ...hubspot, APP_ROLE: 'all' }).role).toBe('all');
    });

    it('refuses a worker or web process on SQLite, naming the variable', () => {
      for (const role of ['worker', 'web']) {
        const problems = problemsOf({ ...hubspot, APP_ROLE: role, DATABASE_URL: 'sqlite:./data/x.db' });
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(/^APP_ROLE: .*DATABASE_URL=postgres/);
      }
    });

    it('runs web and worker processes on PostgreSQL', () => {
      expect(loadConfig({ ...hubspot, APP_ROLE: 'worker', DATABASE_URL: 'postgres://u@db/x' }).role).toBe('worker');
      expect(loadConfig({ ...hubspot, APP_ROLE: 'web', DATABASE_URL: 'postgres://u@db/x' }).role).toBe('web');
    });

    it('names an unknown role', () => {
      expect(problemsOf({ ...hubspot, APP_ROLE: 'scheduler', DATABASE_URL: 'postgres://u@db/x' })).toEqual([
        'APP_ROLE: must be one of all, web, worker',
      ]);
    });
  });
});
