/**
 * Webhook intake: signed POST /webhooks/hubspot with batches of 100 events, as HubSpot sends them,
 * each batch verified, validated and persisted durably (one transaction) before the 2xx.
 * - sustained accepted events/s (closed loop, a few concurrent senders) against the 5,000/s target
 *   (SQLite file in WAL mode with synchronous=FULL, and PostgreSQL);
 * - acknowledgement latency at 1,000 events/s (10 batches/s, open loop, so a slow answer cannot
 *   slow the arrivals down): p50/p99/max against the 100 ms p99 ceiling.
 * The server runs in its own process, like production; the worker is not running (intake only).
 * Run: npx tsx test/bench/webhooks.bench.ts   (PostgreSQL from TEST_DATABASE_URL or the local default; skipped if unreachable)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { createHttpApp } from '../../src/http/create-http-app';
import { systemClock } from '../../src/platform/clock';
import { testEnvironment } from '../../src/platform/config';
import { signV3 } from '../../src/platform/hubspot-signature';
import { silentLogger } from '../../src/platform/logger';
import { openStorage, type Storage } from '../../src/storage/connect';
import { createStores } from '../../src/storage/stores';
import { createWebhookRoutes, WEBHOOK_ROUTE } from '../../src/webhook-receiver/webhook-routes';

const SECRET = 'bench-client-secret';
const BASE = 'https://personas.example.com';
const BATCH = 100;
const SENDERS = 4;
const THROUGHPUT_S = 6;
const RATE_BATCHES = 10;
const LATENCY_S = 10;
const WARMUP_S = 2;
const TARGET_EVENTS_PER_S = 5_000;
const CEILING_P99_MS = 100;
const POSTGRES_DEFAULT = 'postgres://postgres@127.0.0.1:5432/test';

interface Ready {
  port: number;
  description: string;
}
interface Counted {
  stored: number;
}

// ---------------------------------------------------------------- server (child process)

async function serve(databaseUrl: string, schema: string | undefined): Promise<void> {
  const storage: Storage = await openStorage(databaseUrl, schema ? { schema } : {});
  const stores = createStores(storage);
  const app = createHttpApp({
    logger: silentLogger,
    routers: [createWebhookRoutes({ inbox: stores.inbox, clientSecret: SECRET, appBaseUrl: BASE, clock: systemClock })],
    health: async () => ({ ok: true, checks: {} }),
  });
  const server = app.listen(0, '127.0.0.1', () => {
    process.send!({ port: (server.address() as AddressInfo).port, description: storage.description } satisfies Ready);
  });
  process.on('message', (message) => {
    if (message !== 'count') return;
    void stores.inbox.backlog().then((b) => process.send!({ stored: b.pending + b.processing } satisfies Counted));
  });
  process.on('disconnect', () => {
    server.close();
    server.closeAllConnections();
    void storage.close().finally(() => process.exit(0));
  });
}

function startServer(databaseUrl: string, schema?: string): Promise<{ child: ChildProcess; ready: Ready }> {
  const args = ['--serve', databaseUrl, ...(schema ? [schema] : [])];
  const child = fork(__filename, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (ready) => resolve({ child, ready: ready as Ready }));
    child.once('exit', (code) => reject(new Error(`webhook server exited with ${code}`)));
  });
}

function storedCount(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve((m as Counted).stored));
    child.send('count');
  });
}

// ---------------------------------------------------------------- load generator

let batchSeq = 0;
/** A batch of 100 distinct events (so none is skipped as a duplicate), shaped like HubSpot's. */
function nextBody(): string {
  const b = batchSeq++;
  const now = Date.now();
  const events = Array.from({ length: BATCH }, (_, i) => ({
    eventId: b * BATCH + i,
    subscriptionId: 3003,
    portalId: 4242,
    appId: 424242,
    occurredAt: now - 1000 + (i % 7),
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: 1_000_000 + ((b * BATCH + i) % 250_000),
    propertyName: i % 2 ? 'jobtitle' : 'lifecyclestage',
    propertyValue: `value-${b}-${i}`,
    changeSource: 'CRM',
    sourceId: 'userId:7001',
  }));
  return JSON.stringify(events);
}

interface Result {
  status: number;
  accepted: number;
  latencyMs: number;
}

function post(agent: http.Agent, port: number, body: string, from: number): Promise<Result> {
  const timestamp = Date.now();
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'x-hubspot-request-timestamp': String(timestamp),
    'x-hubspot-signature-v3': signV3({ method: 'POST', url: `${BASE}${WEBHOOK_ROUTE}`, body }, SECRET, timestamp),
  };
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: WEBHOOK_ROUTE, method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        let accepted = 0;
        try {
          accepted = (JSON.parse(text) as { accepted?: number }).accepted ?? 0;
        } catch {
          /* counted as not accepted */
        }
        resolve({ status: res.statusCode ?? 0, accepted, latencyMs: performance.now() - from });
      });
    });
    req.on('error', () => resolve({ status: 0, accepted: 0, latencyMs: performance.now() - from }));
    req.end(body);
  });
}

async function closedLoop(port: number, seconds: number): Promise<{ events: number; errors: number; seconds: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS });
  const bodies = Array.from({ length: 64 }, nextBody);
  let next = 0;
  const take = () => {
    const b = bodies[next % bodies.length];
    bodies[next % bodies.length] = nextBody();
    next++;
    return b;
  };
  const started = performance.now();
  const end = started + seconds * 1000;
  let events = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (performance.now() < end) {
        const r = await post(agent, port, take(), performance.now());
        if (r.status === 200) events += r.accepted;
        else errors++;
      }
    }),
  );
  agent.destroy();
  return { events, errors, seconds: (performance.now() - started) / 1000 };
}

/** Fires batches on a fixed schedule; latency counts from the scheduled time, so queueing shows. */
async function openLoop(port: number, seconds: number): Promise<Result[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const count = seconds * RATE_BATCHES;
  const bodies = Array.from({ length: count }, nextBody);
  const interval = 1000 / RATE_BATCHES;
  const start = performance.now() + 20;
  const results: Promise<Result>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    results.push(post(agent, port, bodies[i], Math.min(due, performance.now())));
  }
  const done = await Promise.all(results);
  agent.destroy();
  return done;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function postgresReachable(url: string): Promise<boolean> {
  const pool = new Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 2000 });
  try {
    await pool.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await pool.end().catch(() => undefined);
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    await pool.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await pool.end();
  }
}

interface EngineFigures {
  name: string;
  eventsPerS: number;
  p99: number;
  ok: boolean;
}

async function benchEngine(name: string, databaseUrl: string, schema?: string): Promise<EngineFigures> {
  const { child, ready } = await startServer(databaseUrl, schema);
  try {
    process.stdout.write(`\n${name}: ${ready.description}\n`);
    await closedLoop(ready.port, 1); // warm-up: JIT, connection pool, file growth
    const before = await storedCount(child);
    const t = await closedLoop(ready.port, THROUGHPUT_S);
    const stored = (await storedCount(child)) - before;
    const eventsPerS = t.events / t.seconds;
    process.stdout.write(
      `  sustained intake, ${SENDERS} senders, ${BATCH}-event batches, ${t.seconds.toFixed(1)} s: ` +
        `${Math.round(eventsPerS).toLocaleString('en')} events/s = ${(eventsPerS / TARGET_EVENTS_PER_S).toFixed(2)}x the ${TARGET_EVENTS_PER_S.toLocaleString('en')}/s target` +
        ` (${t.errors} errors; ${stored === t.events ? 'every acknowledged event is in the inbox' : `STORED ${stored} OF ${t.events} ACKNOWLEDGED`})\n`,
    );

    await openLoop(ready.port, WARMUP_S);
    const samples = await openLoop(ready.port, LATENCY_S);
    const errors = samples.filter((s) => s.status !== 200).length;
    const sorted = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
    const line = (label: string, ms: number) =>
      `    ${label.padEnd(4)}${ms.toFixed(2).padStart(8)} ms = ${((ms / CEILING_P99_MS) * 100).toFixed(1).padStart(5)}% of the ${CEILING_P99_MS} ms ceiling\n`;
    const p99 = percentile(sorted, 99);
    process.stdout.write(
      `  acknowledgement latency at ${RATE_BATCHES * BATCH} events/s (${RATE_BATCHES} batches/s open loop, ${samples.length} batches, ${errors} not 200):\n`,
    );
    process.stdout.write(
      line('p50', percentile(sorted, 50)) + line('p90', percentile(sorted, 90)) + line('p99', p99) + line('max', sorted[sorted.length - 1]),
    );
    return { name, eventsPerS, p99, ok: errors === 0 && t.errors === 0 && stored === t.events };
  } finally {
    child.disconnect();
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function main(): Promise<void> {
  const figures: EngineFigures[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'webhooks-bench-'));
  try {
    figures.push(await benchEngine('SQLite (file, WAL, synchronous=FULL)', `sqlite:${path.join(dir, 'bench.db')}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pgUrl = testEnvironment().databaseUrl ?? POSTGRES_DEFAULT;
  if (await postgresReachable(pgUrl)) {
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    try {
      figures.push(await benchEngine('PostgreSQL', pgUrl, schema));
    } finally {
      await dropSchema(pgUrl, schema);
    }
  } else {
    process.stdout.write(`\nPostgreSQL: skipped, ${new URL(pgUrl).host} is not reachable (set TEST_DATABASE_URL)\n`);
  }

  const sqlite = figures[0];
  const pg = figures[1];
  process.stdout.write('\nSummary\n');
  if (pg) process.stdout.write(`  PostgreSQL intake = ${(pg.eventsPerS / sqlite.eventsPerS).toFixed(2)}x SQLite's\n`);
  const throughputMet = sqlite.eventsPerS >= TARGET_EVENTS_PER_S;
  process.stdout.write(`  Target >= ${TARGET_EVENTS_PER_S.toLocaleString('en')} events/s on SQLite: ${throughputMet ? 'met' : 'MISSED'}\n`);
  for (const f of figures) {
    process.stdout.write(
      `  Target p99 < ${CEILING_P99_MS} ms at 1,000 events/s on ${f.name.split(' ')[0]}: ${f.p99 < CEILING_P99_MS ? 'met' : 'MISSED'} (${(CEILING_P99_MS / f.p99).toFixed(1)}x headroom)\n`,
    );
  }
  if (!throughputMet || figures.some((f) => !f.ok || f.p99 >= CEILING_P99_MS)) process.exitCode = 1;
}

if (process.argv.includes('--serve')) {
  const i = process.argv.indexOf('--serve');
  serve(process.argv[i + 1], process.argv[i + 2]).catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  });
}
