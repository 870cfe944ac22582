/**
 * Rule-set preview (the admin's dry run) on 100,000 stored contacts with their tickets: the time
 * against a 20 s ceiling, and against its peer measured in the same run, a plain streaming read
 * of the same contacts (so the figure shows what scoring twice and explaining adds to the I/O).
 * Run: npx tsx test/bench/admin.bench.ts [contacts]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validateRuleSet, type RuleSet } from '../../src/personas/engine';
import { RuleSetAdminService } from '../../src/personas/rule-set-admin-service';
import { generatePortal } from '../../src/sandbox/generator';
import { openStorage } from '../../src/storage/connect';
import { createStores } from '../../src/storage/stores';
import { RuleSetService } from '../../src/personas/rule-set-service';

const CONTACTS = Number(process.argv[2] ?? 100_000);
const CEILING_MS = 20_000;
const PORTAL = 1;

async function main(): Promise<void> {
  const parsed = validateRuleSet(JSON.parse(readFileSync(path.join(__dirname, '../../config/personas.json'), 'utf8')));
  if (!parsed.ok) throw new Error('config/personas.json is invalid');
  const live: RuleSet = parsed.ruleSet;
  const draft: RuleSet = {
    ...live,
    personas: live.personas.map((p) => (p.id === 'data_analyst' ? { ...p, threshold: p.threshold + 20 } : p)),
  };

  const storage = await openStorage('sqlite::memory:');
  const stores = createStores(storage);
  const portal = generatePortal({ seed: 11, contacts: CONTACTS });
  const now = portal.referenceTime;
  const seedStart = performance.now();
  let batch: { id: string; email: string | null; properties: Record<string, string | null>; hsUpdatedAt: number; archived: boolean }[] = [];
  const tickets: { id: string; properties: Record<string, string | null>; createdAt: number; hsUpdatedAt: number }[] = [];
  const links: { contactId: string; ticketId: string }[] = [];
  const flush = async () => {
    await stores.crm.upsertContacts(PORTAL, batch, now);
    if (tickets.length) await stores.crm.upsertTickets(PORTAL, tickets, now);
    if (links.length) await stores.crm.link(PORTAL, links);
    batch = [];
    tickets.length = 0;
    links.length = 0;
  };
  for (const c of portal.iterateContacts()) {
    batch.push({ id: c.id, email: c.properties.email ?? null, properties: c.properties, hsUpdatedAt: c.updatedAt, archived: false });
    for (const t of portal.ticketsOfContact(c.index)) {
      tickets.push({ id: t.id, properties: t.properties, createdAt: t.createdAt, hsUpdatedAt: t.createdAt });
      links.push({ contactId: c.id, ticketId: t.id });
    }
    if (batch.length === 1000) await flush();
  }
  await flush();
  const counts = await stores.crm.counts(PORTAL);
  process.stdout.write(
    `seeded ${counts.contacts} contacts, ${counts.tickets} tickets in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`,
  );
  await stores.ruleSets.add(PORTAL, { body: live, status: 'published', createdBy: 'bench', note: null }, now);

  const readStart = performance.now();
  let read = 0;
  for await (const page of stores.crm.streamContactsWithTickets(PORTAL, { batchSize: 500 })) read += page.length;
  const readMs = performance.now() - readStart;

  const service = new RuleSetAdminService({
    ruleSets: stores.ruleSets,
    crm: stores.crm,
    audit: stores.audit,
    clock: { now: () => now },
    rules: new RuleSetService({ ruleSets: stores.ruleSets, clock: { now: () => now }, defaultRuleSet: () => live }),
    syncPropertyOptions: async () => undefined,
    rescore: async () => undefined,
  });
  const heapBefore = process.memoryUsage().heapUsed;
  const previewStart = performance.now();
  const preview = await service.preview(PORTAL, draft);
  const previewMs = performance.now() - previewStart;
  const heapAfter = process.memoryUsage().heapUsed;

  const moved = preview.contacts - preview.unchanged;
  process.stdout.write(
    [
      '',
      `Admin preview on ${preview.contacts.toLocaleString('en-US')} stored contacts (SQLite in memory, batches of 500)`,
      `  streaming read alone (peer)   ${(readMs / 1000).toFixed(2)} s  (${read.toLocaleString('en-US')} contacts)`,
      `  preview (score twice, explain) ${(previewMs / 1000).toFixed(2)} s  = ${(previewMs / readMs).toFixed(2)}x the read`,
      `  against the ${CEILING_MS / 1000} s ceiling      ${(previewMs / CEILING_MS).toFixed(3)} of the ceiling  ${previewMs <= CEILING_MS ? 'OK' : 'OVER'}`,
      `  ${moved.toLocaleString('en-US')} contacts would move in ${preview.moves.length} moves; heap growth ${((heapAfter - heapBefore) / 1e6).toFixed(0)} MB`,
      '',
    ].join('\n'),
  );
  await storage.close();
  if (previewMs > CEILING_MS) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
