import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { installFromMarketplace } from '../src/demo/browser-install';
import { processEnvironment } from '../src/platform/config';

/**
 * The production build, started the way it is deployed (`node dist/src/main.js`, NODE_ENV=production)
 * against a sandbox portal started as a separate process: /healthz answers, a Marketplace install
 * goes through, one signed card request is answered, logs are one JSON object per line, and
 * production without credentials exits 78. Run after `npm run build`; CI does.
 */
const ROOT = path.resolve(__dirname, '..');
const MAIN = path.join(ROOT, 'dist', 'src', 'main.js');
const SANDBOX = path.join(ROOT, 'dist', 'src', 'sandbox', 'serve.js');
const PORTAL_ID = 2_024_001;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

interface Started {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

function start(script: string, env: Record<string, string>): Started {
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: { PATH: processEnvironment().PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    stdout.push(...lines);
  });
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  return { child, stdout, stderr, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve(probe()).catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<number> {
  const checks: [string, boolean, string][] = [];
  const check = (name: string, ok: boolean, detail: string) => {
    checks.push([name, ok, detail]);
    process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}\n`);
  };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'personas-smoke-'));
  const [appPort, sandboxPort] = [await freePort(), await freePort()];
  const appBaseUrl = `http://127.0.0.1:${appPort}`;
  const processes: Started[] = [];
  try {
    // Production without HubSpot credentials: exit 78 naming what is missing, no sandbox started.
    const refused = start(MAIN, { NODE_ENV: 'production', DATA_DIR: dataDir, SANDBOX_PORT: String(sandboxPort) });
    const code = await refused.exited;
    const message = refused.stderr.join('');
    check(
      'production without credentials exits 78',
      code === 78 && /HUBSPOT_CLIENT_ID/.test(message) && /ENCRYPTION_KEY/.test(message),
      `exit ${code}; ${message.trim().split('\n').slice(0, 3).join(' | ')}`,
    );

    const sandbox = start(SANDBOX, {
      SANDBOX_PORT: String(sandboxPort),
      SANDBOX_APP_BASE_URL: appBaseUrl,
      SANDBOX_PORTAL_ID: String(PORTAL_ID),
      SANDBOX_CONTACTS: '200',
    });
    processes.push(sandbox);
    const sandboxBaseUrl = await until('the sandbox', () => {
      const line = sandbox.stdout.find((l) => l.includes('sandbox portal listening'));
      return line ? (JSON.parse(line) as { baseUrl: string }).baseUrl : undefined;
    });
    check('sandbox started as its own process', true, sandboxBaseUrl);

    const app = start(MAIN, {
      NODE_ENV: 'production',
      PORT: String(appPort),
      APP_BASE_URL: appBaseUrl,
      DATA_DIR: dataDir,
      DATABASE_URL: `sqlite:${path.join(dataDir, 'personas.db')}`,
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      HUBSPOT_CLIENT_ID: 'sandbox-client-id',
      HUBSPOT_CLIENT_SECRET: 'sandbox-client-secret',
      HUBSPOT_APP_ID: '424242',
      HUBSPOT_API_BASE_URL: sandboxBaseUrl,
      HUBSPOT_AUTH_BASE_URL: sandboxBaseUrl,
      JOBS_ENABLED: 'false',
    });
    processes.push(app);
    const health = await until('/healthz', async () => {
      const res = await fetch(`${appBaseUrl}/healthz`);
      return res.ok ? { status: res.status, body: await res.text() } : undefined;
    });
    check('GET /healthz', health.status === 200, `${health.status} ${health.body}`);

    const install = await installFromMarketplace(sandboxBaseUrl, PORTAL_ID);
    check(
      'Marketplace install',
      install.status === 302 && (install.location ?? '').startsWith(sandboxBaseUrl),
      `${install.status} → ${install.location}`,
    );

    const card = await until('a card answer', async () => {
      const res = await fetch(`${sandboxBaseUrl}/_sandbox/api/portals/${PORTAL_ID}/card-fetch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ contactId: '1001' }),
      });
      const body = (await res.json()) as {
        status: number;
        body: { contactId?: string; persona?: { name?: string } | null; state?: string };
      };
      return body.status === 200 ? body : undefined;
    });
    check(
      'signed card request (hubspot.fetch, v3)',
      card.body.contactId === '1001',
      `${card.status}: contact ${card.body.contactId}, ${card.body.state}, persona ${card.body.persona?.name ?? 'none'}`,
    );

    // The company card's route, signed the same way: a synced company answers its committee, one
    // not synced yet a 404; either way the signature was accepted (never 401) by the compiled build.
    const companyRes = await fetch(`${sandboxBaseUrl}/_sandbox/api/portals/${PORTAL_ID}/card-fetch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ companyId: '9000000001' }),
    });
    const company = (await companyRes.json()) as {
      status: number;
      body: { companyId?: string; coverage?: unknown; error?: { code?: string } };
    };
    check(
      'signed company card request (hubspot.fetch, v3)',
      (company.status === 200 && company.body.companyId === '9000000001') ||
        (company.status === 404 && company.body.error?.code === 'not_found'),
      `${company.status}: ${company.status === 200 ? `coverage ${JSON.stringify(company.body.coverage)}` : (company.body.error?.code ?? '')}`,
    );

    const logLines = app.stdout.filter((l) => l.trim() !== '');
    const json = logLines.filter((l) => {
      try {
        return typeof JSON.parse(l) === 'object';
      } catch {
        return false;
      }
    });
    check(
      'production logs are one JSON object per line',
      logLines.length > 0 && json.length === logLines.length,
      `${json.length} of ${logLines.length} lines parse as JSON`,
    );
  } catch (err) {
    check('smoke test ran to the end', false, err instanceof Error ? err.message : String(err));
  } finally {
    for (const p of processes.reverse()) {
      p.child.kill('SIGTERM');
      await Promise.race([p.exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  const failed = checks.filter(([, ok]) => !ok).length;
  process.stdout.write(`smoke: ${checks.length - failed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

void main().then((code) => {
  process.exitCode = code;
});
