/**
 * The review queue on a 100,000-contact portal, after a publish that moved contacts: response
 * times of the queue's HTTP calls (first page, a page 40 pages deep through the cursor, the size
 * alone as the dashboard asks, and a decision), p50 and p99 over 200 calls each, against a 100 ms
 * ceiling and against a peer measured in the same run: one full read of the portal's assignments
 * (the persona distribution), which is what the queue would cost without its index.
 * SQLite always (a file, WAL); PostgreSQL too when TEST_DATABASE_URL is set.
 * Run: npm run bench -- review-queue   (or npx tsx test/bench/review-queue.bench.ts [contacts])
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { requireAdmin } from '../../src/admin/admin-guard';
import { createReviewQueueRoutes } from '../../src/admin/review-queue-routes';
import { createHttpApp } from '../../src/http/create-http-app';
import { testEnvironment } from '../../src/platform/config';
import { silentLogger } from '../../src/platform/logger';
import { compileRuleSet, validateRuleSet, type RuleSet } from '../../src/personas/engine';
import { reviewFlag } from '../../src/personas/review-queue';
import { ReviewQueueService } from '../../src/personas/review-queue-service';
import { generatePortal } from '../../src/sandbox/generator';
import { openStorage, type Storage } from '../../src/storage/connect';
import { createStores } from '../../src/storage/stores';

const CONTACTS = Number(process.argv[2] ?? 100_000);
const PORTAL = 9;
const CALLS = 200;
const CEILING_MS = 100;
const TOKEN = 'review-queue-bench-token';

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;

async function seed(storage: Storage, live: RuleSet, draft: RuleSet): Promise<{ queued: number; seedMs: number }> {
  const stores = createStores(storage);
  const portal = generatePortal({ seed: 21, contacts: CONTACTS });
  const now = portal.referenceTime;
  const [before, after] = [compileRuleSet(live), compileRuleSet(draft)];
  const started = performance.now();
  let queued = 0;
  for (let from = 0; from < CONTACTS; from += 1000) {
    const contacts = [];
    const first = [];
    const second = [];
    for (let i = from; i < Math.min(CONTACTS, from + 1000); i++) {
      const c = portal.contactAt(i);
      const tickets = portal.ticketsOfContact(i).map((t) => ({ properties: t.properties }));
      contacts.push({ id: c.id, email: c.properties.email ?? null, properties: c.properties, hsUpdatedAt: c.updatedAt, archived: false });
      const a = before.assign({ properties: c.properties, tickets }, now);
      const b = after.assign({ properties: c.properties, tickets }, now);
      const base = { contactId: c.id, secondary: [], journeyStage: a.journeyStage, ruleSetVersion: 1, needsWrite: false };
      first.push({
        ...base,
        personaId: a.personaId,
        score: a.score,
        explanation: a.explanation,
        review: reviewFlag(a, undefined, live.unassigned.id),
      });
      const flag = reviewFlag(b, a.personaId, draft.unassigned.id);
      if (flag) queued++;
      second.push({ ...base, personaId: b.personaId, score: b.score, explanation: b.explanation, ruleSetVersion: 2, review: flag });
    }
    await stores.crm.upsertContacts(PORTAL, contacts, now);
    // The sync under version 1, then the rescore after publishing version 2, as the app does.
    await stores.assignments.saveComputed(PORTAL, first, 'sync', now);
    await stores.assignments.saveComputed(PORTAL, second, 'publish', now + 1);
  }
  return { queued, seedMs: performance.now() - started };
}

async function measure(engine: string, storage: Storage, live: RuleSet, draft: RuleSet): Promise<void> {
  const { queued, seedMs } = await seed(storage, live, draft);
  const stores = createStores(storage);
  const service = new ReviewQueueService({
    assignments: stores.assignments,
    crm: stores.crm,
    audit: stores.audit,
    now: () => Date.now(),
    personaIds: async () => new Set([...draft.personas.map((p) => p.id), draft.unassigned.id]),
    applyOverride: (portalId, contactId, override) => stores.assignments.setOverride(portalId, contactId, override),
  });
  const app = createHttpApp({
    logger: silentLogger,
    health: async () => ({ ok: true, checks: {} }),
    routers: [createReviewQueueRoutes({ guard: requireAdmin({ adminToken: TOKEN }), reviewQueue: service })],
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/admin/portals/${PORTAL}/review-queue`;
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const get = async (query: string) => {
    const res = await fetch(`${base}${query}`, { headers });
    if (!res.ok) throw new Error(`${res.status}`);
    return res.json() as Promise<{ size: number; items: { contactId: string }[]; next: string | null }>;
  };

  // Walk 40 pages deep once to get a cursor there.
  let deep: string | null = null;
  for (let page = 0, cursor: string | null = null; page < 40; page++) {
    const body: { next: string | null } = await get(`?limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    cursor = body.next;
    deep = cursor;
    if (!cursor) break;
  }
  const time = async (fn: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < 10; i++) await fn(i);
    const xs: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const t = performance.now();
      await fn(i);
      xs.push(performance.now() - t);
    }
    return xs;
  };
  const firstPage = await time(() => get('?limit=25'));
  const deepPage = await time(() => get(`?limit=25${deep ? `&cursor=${encodeURIComponent(deep)}` : ''}`));
  const sizeOnly = await time(() => get('?limit=0'));
  // Decisions take contacts out of the queue: collect enough distinct ones first.
  const decideIds: string[] = [];
  for (let cursor: string | null = null; decideIds.length < CALLS + 10;) {
    const body: { items: { contactId: string }[]; next: string | null } = await get(
      `?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    decideIds.push(...body.items.map((i) => i.contactId));
    cursor = body.next;
    if (!cursor) break;
  }
  let next = 0;
  const decisions = await time(async () => {
    const id = decideIds[next++];
    if (!id) return;
    const res = await fetch(`${base}/${encodeURIComponent(id)}`, { method: 'POST', headers, body: JSON.stringify({ action: 'dismiss' }) });
    if (res.status !== 200) throw new Error(`decision answered ${res.status}`);
  });
  const peer = await time(() => stores.assignments.distribution(PORTAL));
  server.close();

  const size = await service.size(PORTAL);
  console.log(
    `\n${engine}: ${CONTACTS.toLocaleString('en-US')} contacts, ${queued.toLocaleString('en-US')} close calls queued after the publish (seeded in ${(seedMs / 1000).toFixed(1)} s; ${size.toLocaleString('en-US')} left open)`,
  );
  const peerP50 = quantile(peer, 0.5);
  for (const [label, xs] of [
    ['first page (25)', firstPage],
    ['page 41 via cursor', deepPage],
    ['size only (dashboard)', sizeOnly],
    ['decision (dismiss)', decisions],
  ] as const) {
    if (xs.length === 0) {
      console.log(`  ${label.padEnd(24)} not measured`);
      continue;
    }
    const p50 = quantile(xs, 0.5);
    const p99 = quantile(xs, 0.99);
    console.log(
      `  ${label.padEnd(24)} p50 ${fmt(p50).padStart(9)}  p99 ${fmt(p99).padStart(9)}  p99/ceiling ${(p99 / CEILING_MS).toFixed(3)}  p50/full-read peer ${(p50 / peerP50).toFixed(3)}`,
    );
  }
  console.log(
    `  ${'peer: full read'.padEnd(24)} p50 ${fmt(peerP50).padStart(9)}  (the persona distribution over every assignment of the portal)`,
  );
}

async function main(): Promise<void> {
  const parsed = validateRuleSet(JSON.parse(readFileSync(path.join(__dirname, '../../config/personas.json'), 'utf8')));
  if (!parsed.ok) throw new Error('config/personas.json is invalid');
  const live = parsed.ruleSet;
  // The publish: analysts need more evidence, so some of them move and become close calls.
  const draft: RuleSet = {
    ...live,
    personas: live.personas.map((p) => (p.id === 'data_analyst' ? { ...p, threshold: p.threshold + 15 } : p)),
  };

  const dir = mkdtempSync(path.join(tmpdir(), 'review-queue-bench-'));
  const sqlite = await openStorage(`sqlite:${path.join(dir, 'bench.db')}`);
  try {
    await measure('SQLite (file, WAL)', sqlite, live, draft);
  } finally {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const url = testEnvironment().databaseUrl;
  if (url) {
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    const pg = await openStorage(url, { schema });
    try {
      await measure('PostgreSQL', pg, live, draft);
    } finally {
      await pg.close();
      const pool = new Pool({ connectionString: url, max: 1 });
      try {
        await pool.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await pool.end();
      }
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
