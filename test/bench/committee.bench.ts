/**
 * The buying committee on a 100,000-contact, 30,000-company portal (the sandbox generator's own
 * accounts: most companies with one or two known contacts, a few with a dozen or more; a fifth of
 * contacts also linked to a second company without the Primary label; 1% with a hand-set persona).
 *
 * 1. Recompute: CommitteeService.refreshAll reads every company's contacts with their effective
 *    persona from the store, computes coverage and gaps and diffs them against what was last written,
 *    against the 10 s ceiling: the first run (every company written, values recorded), a run where
 *    nothing changed, and a run after 1% of contacts changed persona. HubSpot is a stub that accepts
 *    every batch here, so the figure is the app's own work.
 * 2. First full write through the real SDK to the sandbox over HTTP (rate limiting off on both
 *    sides): HubSpot requests counted by the sandbox against the floor of companies ÷ 100.
 * SQLite always (a file, WAL); PostgreSQL too when TEST_DATABASE_URL is set.
 * Run: npm run bench -- committee [--contacts 100000]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { Pool } from 'pg';
import { CommitteeService } from '../../src/committee/committee-service';
import type { BatchWriteResult, HubSpotGateways, PortalHubSpot } from '../../src/crm/hubspot-port';
import { SdkGateways } from '../../src/hubspot/sdk-gateway';
import { ApiUsageRecorder } from '../../src/hubspot/api-usage-recorder';
import { requiredScopes } from '../../src/install/app-scopes';
import { PersonaPropertySetup } from '../../src/install/persona-property-setup';
import { compileRuleSet, validateRuleSet, type RuleSet } from '../../src/personas/engine';
import { testEnvironment } from '../../src/platform/config';
import { silentLogger } from '../../src/platform/logger';
import { InProcessPortalMutex } from '../../src/jobs/portal-mutex';
import { generatePortal } from '../../src/sandbox/generator';
import { startSandbox } from '../../src/sandbox';
import { openStorage, type Storage } from '../../src/storage/connect';
import { createStores } from '../../src/storage/stores';
import { computedAssignment } from '../support/computed-assignment';

const mutex = new InProcessPortalMutex();

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const CONTACTS = flag('contacts', 100_000);
const SEED = 31;
const PORTAL = 9;
const CEILING_MS = 10_000;
const clock = { now: () => Date.now() };

function ruleSet(): RuleSet {
  const parsed = validateRuleSet(JSON.parse(readFileSync(path.join(__dirname, '../../config/personas.json'), 'utf8')));
  if (!parsed.ok) throw new Error('config/personas.json is invalid');
  return parsed.ruleSet;
}

/** Contacts, their company links and their assignments, as a full sync leaves them. */
async function seed(storage: Storage, live: RuleSet): Promise<{ companiesWithContacts: number; seedMs: number; contactIds: string[] }> {
  const stores = createStores(storage);
  const portal = generatePortal({ seed: SEED, contacts: CONTACTS });
  const { accounts } = portal;
  const compiled = compileRuleSet(live);
  const started = performance.now();
  const linked = new Set<string>();
  const contactIds: string[] = [];
  for (let from = 0; from < CONTACTS; from += 1000) {
    const contacts = [];
    const links = [];
    const computed = [];
    for (let i = from; i < Math.min(CONTACTS, from + 1000); i++) {
      const c = portal.contactAt(i);
      contactIds.push(c.id);
      const primary = accounts.companyIndexOfContact(i);
      const company = primary >= 0 ? { id: accounts.companyIdAt(primary), properties: accounts.companyAt(primary).properties } : null;
      contacts.push({ id: c.id, email: c.properties.email ?? null, properties: c.properties, hsUpdatedAt: c.updatedAt, archived: false });
      if (company) links.push({ contactId: c.id, companyId: company.id, primary: true });
      // A fifth of contacts also sit on another account without the Primary label (any label counts).
      if (i % 5 === 0 && accounts.companies > 1) {
        const other = (Math.max(primary, 0) + 1 + (i % 97)) % accounts.companies;
        if (other !== primary) links.push({ contactId: c.id, companyId: accounts.companyIdAt(other), primary: false });
      }
      const a = compiled.assign({ properties: c.properties, tickets: [], company, surveys: [] }, portal.referenceTime);
      computed.push(computedAssignment(c.id, a, 1));
    }
    for (const l of links) linked.add(l.companyId);
    await stores.crm.upsertContacts(PORTAL, contacts, portal.referenceTime);
    await stores.crm.replaceContactCompanies(
      PORTAL,
      contacts.map((c) => c.id),
      links,
    );
    await stores.assignments.saveComputed(PORTAL, computed, 'sync', portal.referenceTime);
  }
  // 1% hand-set personas: the effective persona is the manual one.
  const committee = live.personas.filter((p) => p.committee === true);
  for (let i = 0; i < CONTACTS; i += 100) {
    await stores.assignments.setOverride(PORTAL, contactIds[i], { persona: committee[i % committee.length].id, by: 'rep', at: 1 });
  }
  return { companiesWithContacts: linked.size, seedMs: performance.now() - started, contactIds };
}

/** HubSpot that accepts every batch at once: the recompute figure is the app's own work. */
function acceptingGateways(): HubSpotGateways & { requests: number } {
  const state = { requests: 0 };
  const portal = {
    portalId: PORTAL,
    async updateCompanies(inputs: readonly { id: string }[]): Promise<BatchWriteResult> {
      state.requests++;
      return { written: inputs.map((i) => i.id), failed: [] };
    },
  } as unknown as PortalHubSpot;
  return Object.assign(state, { forPortal: () => portal });
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function measure(engine: string, storage: Storage, live: RuleSet): Promise<void> {
  const { companiesWithContacts, seedMs, contactIds } = await seed(storage, live);
  // A real first sync of this size takes minutes under HubSpot's rate limit, so PostgreSQL's
  // autovacuum has analysed the tables by the time the sync recomputes; a bulk seed has not.
  if (storage.dialect === 'postgres') await sql`analyze`.execute(storage.db);
  const stores = createStores(storage);
  const gateways = acceptingGateways();
  const committee = new CommitteeService({
    crm: stores.crm,
    gateways,
    ruleSet: async () => live,
    grantedScopes: async () => requiredScopes(),
    clock,
    logger: silentLogger,
    exclusive: (portalId, task) => mutex.exclusive(portalId, task),
  });
  console.log(
    `\n${engine}: ${CONTACTS.toLocaleString('en-US')} contacts, ${companiesWithContacts.toLocaleString('en-US')} companies with contacts (seeded in ${seconds(seedMs)})`,
  );
  const run = async (label: string) => {
    const before = gateways.requests;
    const t = performance.now();
    const result = await committee.refreshAll(PORTAL);
    const ms = performance.now() - t;
    console.log(
      `  ${label.padEnd(38)} ${seconds(ms).padStart(8)}  ratio to 10 s ceiling ${(ms / CEILING_MS).toFixed(3)}  companies ${result.companies.toLocaleString('en-US')}, written ${result.written.toLocaleString('en-US')}, batch requests ${gateways.requests - before}`,
    );
    return result;
  };
  const first = await run('first recompute (all written)');
  if (first.written !== companiesWithContacts) throw new Error(`expected ${companiesWithContacts} companies written, got ${first.written}`);
  const none = await run('recompute, nothing changed');
  if (none.requests !== 0) throw new Error('a recompute with nothing changed sent requests');
  // 1% of contacts change persona (as a rescore would): only their companies are written.
  const moved = contactIds.filter((_, i) => i % 100 === 50);
  const other = live.personas.find((p) => p.kind !== 'negative' && p.committee !== true) ?? live.personas[0];
  for (const id of moved) await stores.assignments.setOverride(PORTAL, id, { persona: other.id, by: 'bench', at: 2 });
  await run(`recompute after ${moved.length.toLocaleString('en-US')} persona changes`);
}

/** The first full write through the real SDK to the sandbox: requests counted by the sandbox. */
async function firstWriteOverHttp(live: RuleSet): Promise<void> {
  const scopes = requiredScopes();
  const sandbox = await startSandbox({
    app: { clientId: 'bench', clientSecret: 'bench-secret-0123456789', appId: 1, redirectUris: ['http://127.0.0.1:9/cb'], scopes },
    portals: [{ portalId: PORTAL, contacts: CONTACTS, seed: SEED }],
    rateLimit: { enabled: false },
    webhooks: { enabled: false },
  });
  const storage = await openStorage('sqlite::memory:');
  const usage = new ApiUsageRecorder({ sync: { recordApiUsage: async () => undefined }, logger: silentLogger, now: clock.now });
  const gateways = new SdkGateways({
    apiBaseUrl: sandbox.baseUrl,
    tokens: {
      accessToken: async () => sandbox.tokens.issue(PORTAL).accessToken,
      refreshAfterRejection: async () => sandbox.tokens.issue(PORTAL).accessToken,
    },
    usage,
    logger: silentLogger,
    ratePer10s: 100_000,
    searchPerSecond: 1_000,
  });
  try {
    const { companiesWithContacts } = await seed(storage, live);
    await new PersonaPropertySetup({ gateways, logger: silentLogger }).ensure(PORTAL, live);
    const committee = new CommitteeService({
      crm: createStores(storage).crm,
      gateways,
      ruleSet: async () => live,
      grantedScopes: async () => scopes,
      clock,
      logger: silentLogger,
      exclusive: (portalId, task) => mutex.exclusive(portalId, task),
    });
    const t = performance.now();
    const result = await committee.refreshAll(PORTAL);
    const ms = performance.now() - t;
    const requests = sandbox.stats(PORTAL).byPath['POST /crm/v3/objects/companies/batch/update'] ?? 0;
    const floor = Math.ceil(companiesWithContacts / 100);
    console.log(
      `\nFirst full write through the SDK to the sandbox (SQLite in memory): ${result.written.toLocaleString('en-US')} companies in ${seconds(ms)}; HubSpot batch updates ${requests} against the floor of ${floor} (companies with contacts ÷ 100; ${Math.ceil(generatePortal({ seed: SEED, contacts: CONTACTS }).accounts.companies / 100)} for all companies): ratio ${(requests / floor).toFixed(3)}`,
    );
    if (result.failed > 0) throw new Error(`${result.failed} companies refused by the sandbox`);
    const again = await committee.refreshAll(PORTAL);
    console.log(`  a second full recompute sends ${again.requests} requests`);
  } finally {
    await usage.close();
    await gateways.stop();
    await storage.close();
    await sandbox.close();
  }
}

async function main(): Promise<void> {
  const live = ruleSet();
  const dir = mkdtempSync(path.join(tmpdir(), 'committee-bench-'));
  const sqlite = await openStorage(`sqlite:${path.join(dir, 'bench.db')}`);
  try {
    await measure('SQLite (file, WAL)', sqlite, live);
  } finally {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const url = testEnvironment().databaseUrl;
  if (url) {
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    const pg = await openStorage(url, { schema });
    try {
      await measure('PostgreSQL', pg, live);
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
  await firstWriteOverHttp(live);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
