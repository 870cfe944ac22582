import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { installThroughBrowser } from '../../src/demo/browser-install';
import { fixedClock } from '../../src/platform/clock';
import { openStorage, type Storage } from '../../src/storage/connect';
import type { SyncSummary } from '../../src/sync/sync-runs';
import { startAppHarness, type Harness } from '../support/app-harness';

/**
 * The first full sync as a stream: each page is scored and written while later pages are read.
 * Its answers must equal those of reading everything first, a manual value found on the way must
 * be kept, and a process killed mid-stream must resume from its cursor on restart, writing no
 * contact twice and skipping none.
 */

jest.setTimeout(90_000);

const SYNC_SCRIPT = path.join(__dirname, 'support', 'sync-process.ts');

function runSync(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SYNC_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('exit', (code, signal) => resolve({ code, signal, output }));
  });
}

const batchWrites = (h: Harness) => h.sandbox.stats(h.portalId).byPath['POST /crm/v3/objects/contacts/batch/update'] ?? 0;

function sandboxContacts(h: Harness) {
  return [...h.sandbox.data.store(h.portalId).iterate('contacts')];
}

describe('the first full sync, streamed', () => {
  let h: Harness | undefined;
  let dir: string | undefined;
  let storage: Storage | undefined;
  afterEach(async () => {
    await h?.close();
    await storage?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    h = undefined;
    storage = undefined;
    dir = undefined;
  });

  it('resumes after the process is killed mid-stream and restarted: every contact written exactly once, none skipped', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'first-sync-crash-'));
    const file = path.join(dir, 'app.db');
    const key = randomBytes(32).toString('hex');
    storage = await openStorage(`sqlite:${file}`);
    h = await startAppHarness({ contacts: 500, storage, env: { ENCRYPTION_KEY: key }, tuning: { syncOnInstall: false } });
    await h.install();

    const killed = await runSync([file, h.sandbox.baseUrl, String(h.portalId), key, '3']);
    expect(killed.signal).toBe('SIGKILL');
    // Killed right after page 3 was finished: those pages' personas are in HubSpot already.
    const cursor = await h.app.stores.sync.getCursor(h.portalId, 'full:contacts');
    expect(cursor).not.toBeNull();
    expect(cursor).not.toBe('done');
    const writtenBeforeCrash = sandboxContacts(h).filter((c) => c.properties.persona).length;
    expect(writtenBeforeCrash).toBeGreaterThanOrEqual(300);
    expect(batchWrites(h)).toBeGreaterThanOrEqual(3);

    const restarted = await runSync([file, h.sandbox.baseUrl, String(h.portalId), key, '0']);
    expect(restarted.code).toBe(0);
    const summary = JSON.parse(restarted.output.trim().split('\n').pop()!) as SyncSummary;
    // The restart lists only the pages after the cursor (300 contacts were finished before the kill).
    expect(summary.contacts).toBe(200);
    // Five batches of at most 100 inputs reached HubSpot and all 500 contacts hold their persona:
    // each contact was written exactly once, across the kill.
    expect(batchWrites(h)).toBe(5);
    for (const c of sandboxContacts(h)) {
      const a = await h.app.stores.assignments.get(h.portalId, c.id);
      expect(a?.written?.persona).toBe(c.properties.persona);
      expect(a?.needsWrite).toBe(false);
    }
    expect((await h.app.stores.crm.counts(h.portalId)).contacts).toBe(500);
    expect(await h.app.stores.sync.getCursor(h.portalId, 'full:contacts')).toBeNull();
    const runs = await h.app.stores.sync.recentRuns(h.portalId, 5);
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'interrupted']);
  });

  it('gives every contact the persona the rules give on the complete portal, tickets, companies and survey responses included', async () => {
    const clock = fixedClock(Date.parse('2026-11-20T10:00:00Z'));
    h = await startAppHarness({ contacts: 1_200, clock, tuning: { syncOnInstall: false } });
    await h.install();
    const summary = await h.app.services.sync.fullSync(h.portalId);
    expect(summary.rescore.scored).toBe(1_200);

    // The reference: the live rules applied to HubSpot's own data, every ticket of every contact at hand.
    const live = await h.app.services.ruleSets.live(h.portalId);
    const store = h.sandbox.data.store(h.portalId);
    let withTickets = 0;
    let ticketDecided = 0;
    for (const c of store.iterate('contacts')) {
      const tickets = store.ticketIdsOfContact(c.id).map((id) => ({ properties: store.get('tickets', id)!.properties }));
      if (tickets.length > 0) withTickets += 1;
      // The default rules also read the primary company and survey responses: the complete record.
      const primary = store.companyLinksOfContact(c.id).find((l) => l.primary);
      const company = primary ? { properties: store.get('companies', primary.companyId)!.properties } : null;
      const surveys = store.surveyIdsOfContact(c.id).map((id) => ({ properties: store.get('feedback_submissions', id)!.properties }));
      const expected = live.compiled.assign({ properties: c.properties, tickets, company, surveys }, clock.now());
      const withoutTickets = live.compiled.assign({ properties: c.properties, tickets: [], company, surveys }, clock.now());
      if (expected.personaId !== withoutTickets.personaId) ticketDecided += 1;
      const stored = await h.app.stores.assignments.get(h.portalId, c.id);
      expect({ id: c.id, persona: stored?.personaId, score: stored?.score }).toEqual({
        id: c.id,
        persona: expected.personaId,
        score: expected.score,
      });
      expect(c.properties.persona).toBe(expected.personaId);
    }
    // The comparison means something only if tickets decide some personas.
    expect(withTickets).toBeGreaterThan(100);
    expect(ticketDecided).toBeGreaterThan(0);

    // Scoring the complete store afterwards (what the sync did before it streamed) changes nothing.
    const again = await h.app.services.assignments.rescoreAll(h.portalId, { reason: 'check' });
    expect(again).toMatchObject({ scored: 1_200, changed: 0 });
    expect(await h.app.stores.assignments.countPendingWrites(h.portalId)).toBe(0);
  });

  it('keeps a persona a rep set in HubSpot before the first sync reached it, and writes every other contact', async () => {
    h = await startAppHarness({ contacts: 300, tuning: { syncOnInstall: false } });
    await h.install();
    // The install created the property; a rep fills it in on a few contacts before the sync reads them.
    const targets = sandboxContacts(h)
      .filter((_, i) => i % 70 === 5)
      .map((c) => c.id);
    for (const id of targets) h.sandbox.data.updateContact(h.portalId, id, { persona: 'not_a_fit' });
    const summary = await h.app.services.sync.fullSync(h.portalId);
    expect(summary.rescore.overrides).toBe(targets.length);
    expect(summary.writeBack.written).toBe(300 - targets.length);
    for (const id of targets) {
      expect(h.sandbox.data.getContact(h.portalId, id)?.properties.persona).toBe('not_a_fit');
      expect((await h.app.stores.assignments.get(h.portalId, id))?.override?.persona).toBe('not_a_fit');
    }
  });

  it('shows contacts scored, written and remaining with the time to go, live on the install page and in the status API', async () => {
    const seen: { status: Record<string, unknown>; page: number }[] = [];
    let harness: Harness | undefined;
    h = harness = await startAppHarness({
      contacts: 600,
      tuning: {
        syncHooks: {
          afterPage: async ({ page }) => {
            if (page !== 3) return;
            const status = await request(harness!.app.http)
              .get(`/api/admin/portals/${harness!.portalId}/status`)
              .set('authorization', `Bearer ${harness!.adminToken}`);
            seen.push({ status: status.body as Record<string, unknown>, page });
          },
        },
      },
    });
    // The install starts the first sync; its page carries the figures and a link to follow them.
    const installed = await installThroughBrowser(h.appBaseUrl, h.portalId);
    expect(installed.status).toBe(200);
    expect(installed.body).toContain('id="sync-line"');
    const link = /\/oauth\/install\/progress\/[A-Za-z0-9._%-]+/.exec(installed.body)?.[0];
    expect(link).toBeDefined();
    await h.waitForFirstSync();

    // Mid-stream (page 3 of 6 finished), the status API carried the same figures.
    expect(seen).toHaveLength(1);
    const sync = seen[0]!.status.sync as {
      state: string;
      fullSync: Record<string, unknown>;
      currentRun: { progress: Record<string, unknown> };
    };
    expect(sync.state).toBe('running');
    expect(sync.fullSync).toMatchObject({ state: 'running', total: 600 });
    expect(sync.fullSync.scored).toBeGreaterThanOrEqual(300);
    expect(sync.fullSync.written).toBeGreaterThanOrEqual(300);
    expect(sync.fullSync.remaining).toBe(600 - Number(sync.fullSync.scored));
    expect(sync.currentRun.progress).toMatchObject({ phase: 'stream', scored: sync.fullSync.scored, remaining: sync.fullSync.remaining });

    // Once done, the install page's link says so; the status API too.
    const done = await request(h.app.http).get(link!);
    expect(done.status).toBe(200);
    expect(done.headers['cache-control']).toBe('no-store');
    expect(done.body).toMatchObject({ state: 'done', total: 600, scored: 600, written: 600, remaining: 0, etaSeconds: 0 });
    expect(done.body.line).toBe('Done: 600 contacts scored, 600 personas written to HubSpot.');
    const status = await request(h.app.http).get(`/api/admin/portals/${h.portalId}/status`).set('authorization', `Bearer ${h.adminToken}`);
    expect(status.body.sync.fullSync).toMatchObject({ state: 'done', scored: 600, written: 600, remaining: 0 });

    // The link is the page's own: a forged or altered one shows nothing.
    const forged = link!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await request(h.app.http).get(forged)).status).toBe(404);
    expect((await request(h.app.http).get(link!.replace(String(h.portalId), String(h.portalId + 1)))).status).toBe(404);
  });
});
