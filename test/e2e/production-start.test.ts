import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { processEnvironment } from '../../src/platform/config';

/** The process entry as deployed: NODE_ENV=production must never fall back to the demo's fake HubSpot. */
const ROOT = path.resolve(__dirname, '..', '..');

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

jest.setTimeout(60_000);

describe('starting in production', () => {
  it('exits 78 naming every missing HubSpot variable, and starts no sandbox portal', async () => {
    const [port, sandboxPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'main.ts')], {
      cwd: ROOT,
      env: {
        PATH: processEnvironment().PATH ?? '',
        NODE_ENV: 'production',
        PORT: String(port),
        SANDBOX_PORT: String(sandboxPort),
        DATA_DIR: mkdtempSync(path.join(tmpdir(), 'personas-prod-')),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(78);
    for (const name of ['HUBSPOT_CLIENT_ID', 'HUBSPOT_CLIENT_SECRET', 'HUBSPOT_APP_ID', 'ENCRYPTION_KEY', 'APP_BASE_URL'])
      expect(stderr).toContain(`${name}: required in production`);
    expect(await listening(sandboxPort)).toBe(false);
    expect(await listening(port)).toBe(false);
  });
});
