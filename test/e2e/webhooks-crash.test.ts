import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStorage, type Storage } from '../../src/storage/connect';
import { createStores, type Stores } from '../../src/storage/stores';
import type { Sandbox } from '../../src/sandbox';
import { PORTAL_A as P, startTestSandbox } from '../support/sandbox-harness';
import { buildStack, installPortal, startIntake, type Stack } from './support/webhook-stack';

/**
 * Crash safety: the worker runs in its own process on the same SQLite file, is killed with SIGKILL
 * in the middle of a batch (after some of its effects are applied), and is started again. Every
 * event acknowledged to HubSpot must end up applied, and none applied twice.
 */

jest.setTimeout(90_000);

const WORKER_SCRIPT = path.join(__dirname, 'support', 'webhook-worker-process.ts');

function runWorker(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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

describe('a webhook worker killed in the middle of a batch', () => {
  let dir: string;
  let storage: Storage;
  let stores: Stores;
  let sandbox: Sandbox;
  let stack: Stack;
  let intake: { baseUrl: string; close(): Promise<void> };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'webhook-crash-'));
    storage = await openStorage(`sqlite:${path.join(dir, 'app.db')}`);
    stores = createStores(storage);
    intake = await startIntake(stores); // the worker lives in another process: it polls
    sandbox = await startTestSandbox({
      app: { targetBaseUrl: intake.baseUrl },
      portals: [{ portalId: P, contacts: 40, seed: 21 }],
      webhooks: { enabled: true, flushMs: 10, retryDelaysMs: [50, 100, 200, 400, 800] },
      rateLimit: { enabled: false },
    });
    stack = await buildStack({
      databaseUrl: '',
      storage,
      hubspotBaseUrl: sandbox.baseUrl,
      issueToken: () => sandbox.tokens.issue(P).accessToken,
    });
    await installPortal(stack, P);
    await sandbox.webhooks.settled();
  });

  afterAll(async () => {
    await stack?.close();
    await sandbox?.close();
    await intake?.close();
    await storage?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies every acknowledged event exactly once after a restart', async () => {
    const ids = await stores.crm.listContactIds(P, null, 1000);
    const persona = (id: string) => sandbox.data.getContact(P, id)?.properties.persona ?? null;
    const changed = ids.filter((id) => persona(id) !== 'not_a_fit').slice(0, 12);
    const rest = ids.filter((id) => !changed.includes(id));
    const [deleted, privacyDeleted, mergedAway, survivor, overridden] = rest;
    const editedAt = Date.now();

    for (const id of changed) sandbox.data.updateContact(P, id, { jobtitle: 'Student' });
    sandbox.data.deleteContact(P, deleted);
    sandbox.data.privacyDelete(P, privacyDeleted);
    sandbox.data.mergeContacts(P, survivor, mergedAway);
    sandbox.data.updateContact(P, overridden, { persona: persona(overridden) === 'developer' ? 'data_analyst' : 'developer' });
    const manual = persona(overridden);
    await sandbox.webhooks.settled();
    const acknowledged = sandbox.webhooks
      .deliveries()
      .filter((d) => d.ok)
      .flatMap((d) => d.events)
      .filter((e) => e.occurredAt >= editedAt);
    expect(acknowledged.length).toBeGreaterThan(changed.length);
    expect((await stores.inbox.backlog()).pending).toBeGreaterThanOrEqual(acknowledged.length);

    const token = sandbox.tokens.issue(P).accessToken;
    const args = (dieAfter: number) => [path.join(dir, 'app.db'), sandbox.baseUrl, token, String(dieAfter), '3'];

    // First run: dies right after its first refresh call, with 3 of the 12+ contacts refreshed and written.
    const crashed = await runWorker(args(1));
    expect(crashed.signal).toBe('SIGKILL');
    const afterCrash = await stores.inbox.backlog();
    expect(afterCrash.processing).toBeGreaterThan(0); // claimed, not completed: the batch was cut short
    const writtenBeforeCrash = new Map<string, number>();
    for (const id of changed) {
      const a = await stores.assignments.get(P, id);
      if (a?.writtenAt !== null && a?.writtenAt !== undefined && a.writtenAt >= editedAt) writtenBeforeCrash.set(id, a.writtenAt);
    }
    expect(writtenBeforeCrash.size).toBeGreaterThan(0);
    expect(writtenBeforeCrash.size).toBeLessThan(changed.length);

    // Second run: picks up the dead worker's claim and finishes.
    const restarted = await runWorker(args(0));
    expect({ code: restarted.code, output: restarted.code === 0 ? '' : restarted.output }).toEqual({ code: 0, output: '' });
    expect(await stores.inbox.backlog()).toMatchObject({ pending: 0, processing: 0, failed: 0 });

    for (const id of changed) {
      expect(persona(id)).toBe('not_a_fit');
      const history = await stores.assignments.history(P, { contactId: id, limit: 50 });
      expect(history.filter((h) => h.toPersona === 'not_a_fit')).toHaveLength(1); // applied once, not once per run
    }
    // What the first run wrote was not written again by the second.
    for (const [id, at] of writtenBeforeCrash) expect((await stores.assignments.get(P, id))!.writtenAt).toBe(at);

    for (const gone of [deleted, privacyDeleted, mergedAway]) {
      expect(await stores.crm.getContact(P, gone)).toBeNull();
      expect(await stores.assignments.get(P, gone)).toBeNull();
    }
    expect(await stores.assignments.get(P, survivor)).not.toBeNull();
    expect((await stores.assignments.get(P, overridden))!.override?.persona).toBe(manual);
    expect(persona(overridden)).toBe(manual);
  });
});
