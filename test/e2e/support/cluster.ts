import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Pool } from 'pg';
import PgBoss from 'pg-boss';
import { SIGNIN_CALLBACK_PATH } from '../../../src/admin/signin-routes';
import { optionalScopes, requiredScopes } from '../../../src/install/app-scopes';
import { processEnvironment, SANDBOX_APP, testEnvironment } from '../../../src/platform/config';
import { signV3 } from '../../../src/platform/hubspot-signature';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox';

const MAIN = path.resolve(__dirname, '../../../src/main.ts');
const ROOT = path.resolve(__dirname, '../../..');

export interface AppProcess {
  readonly role: 'web' | 'worker';
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** Log lines (JSON objects as the process wrote them). */
  readonly logs: Record<string, unknown>[];
  readonly exited: Promise<number | null>;
}

export interface Cluster {
  readonly sandbox: Sandbox;
  /** Where HubSpot and browsers reach the app: a front that spreads requests over the web processes. */
  readonly appBaseUrl: string;
  readonly schema: string;
  readonly jobsSchema: string;
  readonly db: Pool;
  readonly databaseUrl: string;
  readonly processes: AppProcess[];
  start(role: 'web' | 'worker', name: string, env?: Record<string, string>): Promise<AppProcess>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly portals: SandboxOptions['portals'];
  /** Environment every app process gets on top of the cluster's own. */
  readonly env?: Record<string, string>;
}

/**
 * A scale-mode deployment in child processes: web and worker processes of the real entry point
 * (`src/main.ts`) on one PostgreSQL schema and one Redis, a sandbox HubSpot with its own rate
 * limits, and a round-robin front standing in for the load balancer in front of the web processes.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  // Named after the jest run when there is one, so the run's global teardown drops it with the others
  // (dropping a schema while another suite migrates fails that suite; see test/support/postgres-run-schemas.js).
  const run = testEnvironment().schemaRun;
  const schema = `t${run ?? ''}_e2e_${randomBytes(5).toString('hex')}`;
  const jobsSchema = `${schema}_jobs`;
  const webs: AppProcess[] = [];
  let next = 0;
  // Stands in for the deployment's load balancer: each request goes to the next web process.
  const front: Server = createServer((req, res) => {
    if (webs.length === 0) return res.writeHead(503).end();
    const target = webs[next++ % webs.length]!;
    const upstream = httpRequest(
      { host: '127.0.0.1', port: target.port, path: req.url, method: req.method, headers: req.headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      // Says which process failed and why, for the test that then fails.
      process.stderr.write(`cluster front: ${req.method} ${req.url} to ${target.name} failed: ${err.message}\n`);
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const appBaseUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;

  const sandbox = await startSandbox({
    app: {
      ...SANDBOX_APP,
      redirectUris: [`${appBaseUrl}/oauth/callback`, `${appBaseUrl}${SIGNIN_CALLBACK_PATH}`],
      scopes: [...requiredScopes(), ...optionalScopes()],
      targetBaseUrl: appBaseUrl,
    },
    portals: options.portals,
    webhooks: { enabled: false },
  });
  const db = new Pool({ connectionString: options.databaseUrl, max: 2 });
  const encryptionKey = randomBytes(32).toString('hex');
  const processes: AppProcess[] = [];
  const spawned: { child: ChildProcess; exited: Promise<number | null> }[] = [];
  let closing = false;

  const start = async (role: 'web' | 'worker', name: string, env: Record<string, string> = {}): Promise<AppProcess> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await startOnce(role, name, env);
      } catch (err) {
        // Kysely's migrator reads every schema's tables; another run dropping its schemas at that
        // moment fails the start with "schema … does not exist". That is the shared server, not us.
        if (!String(err).includes('does not exist') || attempt >= 5) throw err;
      }
    }
  };

  const startOnce = async (role: 'web' | 'worker', name: string, env: Record<string, string>): Promise<AppProcess> => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: processEnvironment().PATH ?? '',
        NODE_ENV: 'test',
        APP_ROLE: role,
        PORT: '0',
        APP_BASE_URL: appBaseUrl,
        LOG_LEVEL: 'info',
        HUBSPOT_CLIENT_ID: SANDBOX_APP.clientId,
        HUBSPOT_CLIENT_SECRET: SANDBOX_APP.clientSecret,
        HUBSPOT_APP_ID: String(SANDBOX_APP.appId),
        HUBSPOT_API_BASE_URL: sandbox.baseUrl,
        HUBSPOT_AUTH_BASE_URL: sandbox.baseUrl,
        ENCRYPTION_KEY: encryptionKey,
        DATABASE_URL: options.databaseUrl,
        DATABASE_SCHEMA: schema,
        REDIS_URL: options.redisUrl,
        ...options.env,
        ...env,
      },
    });
    const logs: Record<string, unknown>[] = [];
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Tracked from the start, so close() stops it even if it never gets to listen.
    spawned.push({ child, exited });
    // A process dying on its own (not stopped by the test) says why, for the test that then fails.
    void exited.then((code) => {
      if (closing || child.signalCode === 'SIGKILL') return;
      const errors = logs.filter((l) => Number(l.level) >= 50).map((l) => (typeof l.msg === 'string' ? l.msg : JSON.stringify(l)));
      process.stderr.write(`cluster: ${name} exited with ${code}: ${errors.join('\n').slice(-3000)}\n`);
    });
    const port = await new Promise<number>((resolve, reject) => {
      let buffer = '';
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        logs.push({ level: 50, msg: chunk.toString() });
      });
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          try {
            const entry = JSON.parse(line) as Record<string, unknown>;
            logs.push(entry);
            if (typeof entry.msg === 'string' && entry.msg.includes('listening') && typeof entry.port === 'number') resolve(entry.port);
          } catch {
            /* not a log line */
          }
        }
      });
      void exited.then((code) => reject(new Error(`${name} exited with ${code} before listening: ${stderr.slice(-2000)}`)));
    });
    const proc: AppProcess = { role, name, port, url: `http://127.0.0.1:${port}`, child, logs, exited };
    processes.push(proc);
    if (role === 'web') webs.push(proc);
    return proc;
  };

  return {
    sandbox,
    appBaseUrl,
    schema,
    jobsSchema,
    db,
    databaseUrl: options.databaseUrl,
    processes,
    start,
    close: async () => {
      closing = true;
      for (const p of spawned) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
      await Promise.race([Promise.all(spawned.map((p) => p.exited)), new Promise((r) => setTimeout(r, 15_000))]);
      for (const p of spawned) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await Promise.all(spawned.map((p) => p.exited));
      await new Promise<void>((resolve) => {
        front.close(() => resolve());
        front.closeAllConnections();
      });
      await sandbox.close();
      if (!run) {
        await db.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
        await db.query(`drop schema if exists ${jobsSchema} cascade`).catch(() => undefined);
      }
      await db.end();
    },
  };
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Queues one tick of each named schedule, exactly as pg-boss's clock does (a job on `cron-<name>`),
 * so a test decides when a tick happens instead of waiting for the minute to come round.
 */
export async function tick(cluster: Cluster, names: readonly string[]): Promise<void> {
  const boss = new PgBoss({
    connectionString: cluster.databaseUrl,
    schema: cluster.jobsSchema,
    supervise: false,
    schedule: false,
    migrate: false,
    max: 1,
  });
  boss.on('error', () => undefined);
  await boss.start();
  try {
    for (const name of names) {
      if (!(await boss.send(`cron-${name}`, {}, { retryLimit: 0 }))) throw new Error(`could not queue a tick of ${name}`);
    }
  } finally {
    await boss.stop({ graceful: false, close: true });
  }
}

/** Posts one batch of events to the app's webhook URL, signed as HubSpot signs them. */
export async function postSigned(
  cluster: Cluster,
  events: unknown[],
): Promise<{ status: number; accepted: number; duplicates: number; body?: string }> {
  const url = `${cluster.appBaseUrl}/webhooks/hubspot`;
  const body = JSON.stringify(events);
  const timestamp = Date.now();
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-hubspot-request-timestamp': String(timestamp),
      'x-hubspot-signature-v3': signV3({ method: 'POST', url, body }, SANDBOX_APP.clientSecret, timestamp),
    },
  });
  const text = await res.text();
  if (res.status !== 200) return { status: res.status, accepted: 0, duplicates: 0, body: text };
  const answer = JSON.parse(text) as { accepted?: number; duplicates?: number };
  return { status: res.status, accepted: answer.accepted ?? 0, duplicates: answer.duplicates ?? 0 };
}
