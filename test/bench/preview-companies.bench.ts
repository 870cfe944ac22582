/**
 * What the publish preview's companies line costs: after the dry run over every stored contact, the
 * Accounts service compares every company's committee under the live rule set and the draft (a batch
 * of companies at a time, with every contact the draft moves). 100,000 contacts in 30,000 companies
 * by default, on SQLite; the figure is the company pass against the dry run it follows (measured in
 * the same run), which it must not double (at most 0.5x); preview plus company pass are also shown
 * against the preview's 20 s ceiling (the dry run's own bench, `admin`, owns that ceiling).
 * Run: npm run bench -- preview-companies [contacts]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AccountsService } from '../../src/admin/accounts-service';
import { compileRuleSet, validateRuleSet, type RuleSet } from '../../src/personas/engine';
import { RuleSetAdminService } from '../../src/personas/rule-set-admin-service';
import { RuleSetService } from '../../src/personas/rule-set-service';
import { generatePortal } from '../../src/sandbox/generator';
import { openStorage } from '../../src/storage/connect';
import { createStores } from '../../src/storage/stores';
import { computedAssignment } from '../support/computed-assignment';

const CONTACTS = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 100_000);
const CEILING_MS = 20_000;
const MAX_RATIO = 0.5;
const PORTAL = 1;

async function main(): Promise<void> {
  const parsed = validateRuleSet(JSON.parse(readFileSync(path.join(__dirname, '../../config/personas.json'), 'utf8')));
  if (!parsed.ok) throw new Error('config/personas.json is invalid');
  const live: RuleSet = parsed.ruleSet;
  // A draft that moves contacts (analysts need 20 more points) and changes the committee (Sam joins it).
  const draft: RuleSet = {
    ...live,
    personas: live.personas.map((p) =>
      p.id === 'data_analyst' ? { ...p, threshold: p.threshold + 20 } : p.id === 'support_lead' ? { ...p, committee: true } : p,
    ),
  };
  const compiled = compileRuleSet(live);

  const storage = await openStorage('sqlite::memory:');
  const stores = createStores(storage);
  const portal = generatePortal({ seed: 13, contacts: CONTACTS });
  const accounts = portal.accounts;
  const now = portal.referenceTime;
  const seedStart = performance.now();
  for (let from = 0; from < accounts.companies; from += 1000) {
    const companies = [];
    for (let j = from; j < Math.min(accounts.companies, from + 1000); j++) {
      const c = accounts.companyAt(j);
      companies.push({ id: c.id, properties: c.properties, hsUpdatedAt: c.updatedAt });
    }
    await stores.crm.upsertCompanies(PORTAL, companies, now);
  }
  for (let from = 0; from < CONTACTS; from += 1000) {
    const contacts = [];
    const links = [];
    const computed = [];
    const ids: string[] = [];
    for (let i = from; i < Math.min(CONTACTS, from + 1000); i++) {
      const c = portal.contactAt(i);
      const companyIndex = accounts.companyIndexOfContact(i);
      const company = companyIndex >= 0 ? accounts.companyAt(companyIndex) : null;
      contacts.push({ id: c.id, email: c.properties.email ?? null, properties: c.properties, hsUpdatedAt: c.updatedAt, archived: false });
      if (company) links.push({ contactId: c.id, companyId: company.id, primary: true });
      const a = compiled.assign({ properties: c.properties, tickets: [], company }, now);
      computed.push(computedAssignment(c.id, a, 1));
      ids.push(c.id);
    }
    await stores.crm.upsertContacts(PORTAL, contacts, now);
    await stores.crm.replaceContactCompanies(PORTAL, ids, links);
    await stores.assignments.saveComputed(PORTAL, computed, 'bench', now);
  }
  const counts = await stores.crm.counts(PORTAL);
  process.stdout.write(
    `seeded ${counts.contacts} contacts, ${counts.companies} companies in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`,
  );
  await stores.ruleSets.add(PORTAL, { body: live, status: 'published', createdBy: 'bench', note: null }, now);

  const rules = new RuleSetService({ ruleSets: stores.ruleSets, clock: { now: () => now }, defaultRuleSet: () => live });
  const admin = new RuleSetAdminService({
    ruleSets: stores.ruleSets,
    crm: stores.crm,
    audit: stores.audit,
    clock: { now: () => now },
    rules,
    syncPropertyOptions: async () => undefined,
    rescore: async () => undefined,
  });
  const service = new AccountsService({ crm: stores.crm, assignments: stores.assignments, ruleSet: async () => live });

  const moved = new Map<string, string>();
  const previewStart = performance.now();
  const preview = await admin.preview(PORTAL, draft, { onMove: (contactId, _from, to) => moved.set(contactId, to) });
  const previewMs = performance.now() - previewStart;
  const impactStart = performance.now();
  const impact = await service.impact(PORTAL, { live, draft }, moved);
  const impactMs = performance.now() - impactStart;
  const totalMs = previewMs + impactMs;

  process.stdout.write(
    [
      '',
      `Preview with its companies line, ${preview.contacts.toLocaleString('en-US')} contacts in ${impact.companies.toLocaleString('en-US')} companies with contacts (SQLite in memory)`,
      `  dry run over the contacts (peer)  ${(previewMs / 1000).toFixed(2)} s  (${moved.size.toLocaleString('en-US')} contacts move)`,
      `  company pass                      ${(impactMs / 1000).toFixed(2)} s  = ${(impactMs / previewMs).toFixed(2)}x the dry run (at most ${MAX_RATIO}x)  ${impactMs <= previewMs * MAX_RATIO ? 'OK' : 'OVER'}`,
      `  gain ${impact.gain.toLocaleString('en-US')}, lose ${impact.lose.toLocaleString('en-US')}, rewritten ${impact.changed.toLocaleString('en-US')}`,
      `  both against the ${CEILING_MS / 1000} s ceiling      ${(totalMs / CEILING_MS).toFixed(3)} of the ceiling (information; see the admin bench)`,
      '',
    ].join('\n'),
  );
  await storage.close();
  if (impactMs > previewMs * MAX_RATIO) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
