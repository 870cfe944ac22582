/**
 * First sync with write-back of a 50,000-contact sandbox portal with HubSpot's rate limits on
 * (110 requests per rolling 10 s, search 5 per second). Reports the burst requests made as a
 * fraction of the requests the ceiling allows over the same time, API calls per 1,000 contacts,
 * the 429s and when they came, and failed records; and the requests per 1,000 contacts against the
 * floor the portal's own counts give: every list page, every batch read of related records
 * (tickets, companies, survey responses) and every batch write (contacts, and the buying
 * committee's companies at the end of the sync), each full at 100.
 *
 *   npx tsx test/bench/sync.bench.ts [contacts] [ourBudgetPer10s]
 */
import { startAppHarness } from '../support/app-harness';

const CEILING_PER_10S = 110;
const SEARCH_CEILING_PER_S = 5;

async function main(): Promise<void> {
  const contacts = Number(process.argv[2] ?? 50_000);
  const budget = String(Number(process.argv[3] ?? 108));
  const h = await startAppHarness({
    contacts,
    sandbox: { rateLimit: { enabled: true, perTenSeconds: CEILING_PER_10S, searchPerSecond: SEARCH_CEILING_PER_S } },
    env: { HUBSPOT_RATE_LIMIT_PER_10S: budget, HUBSPOT_SEARCH_PER_SECOND: '4' },
    tuning: { syncOnInstall: false, retry: { burstRateLimitDelayMs: 10_000, searchRateLimitDelayMs: 1_000 } },
  });
  try {
    await h.install();
    // Let the install's requests leave the rolling window so the sync starts on a full budget.
    await new Promise((resolve) => setTimeout(resolve, 10_500));
    const before = h.sandbox.stats(h.portalId);
    const throttledBefore = h.app.services.usage.statsOf(h.portalId).throttledAt.length;
    const started = Date.now();
    const summary = await h.app.services.sync.fullSync(h.portalId);
    const elapsedMs = Date.now() - started;
    const after = h.sandbox.stats(h.portalId);

    const byPath: Record<string, number> = {};
    for (const [path, n] of Object.entries(after.byPath)) {
      const d = n - (before.byPath[path] ?? 0);
      if (d > 0) byPath[path] = d;
    }
    const total = after.requests - before.requests;
    const search = Object.entries(byPath)
      .filter(([p]) => p.endsWith('/search'))
      .reduce((a, [, n]) => a + n, 0);
    const burst = total - search;
    const allowed = (CEILING_PER_10S * elapsedMs) / 10_000;
    const throttledAt = h.app.services.usage
      .statsOf(h.portalId)
      .throttledAt.slice(throttledBefore)
      .map((t) => ((t - started) / 1000).toFixed(1));
    const stored = await h.app.stores.crm.counts(h.portalId);
    const store = h.sandbox.data.store(h.portalId);
    let hubspotContacts = 0;
    let wrong = 0;
    const linkedTickets = new Set<string>();
    const linkedCompanies = new Set<string>();
    const linkedSurveys = new Set<string>();
    for (const c of store.iterate('contacts')) {
      hubspotContacts += 1;
      if (!c.properties.persona) wrong += 1;
      for (const id of store.ticketIdsOfContact(c.id)) linkedTickets.add(id);
      for (const link of store.companyLinksOfContact(c.id)) linkedCompanies.add(link.companyId);
      for (const id of store.surveyIdsOfContact(c.id)) linkedSurveys.add(id);
    }
    const pages = (n: number) => Math.ceil(n / 100);
    // The last term: the buying committee's company batch updates at the end of the sync (every company with contacts, once).
    const floor =
      pages(hubspotContacts) +
      pages(linkedTickets.size) +
      pages(linkedCompanies.size) +
      pages(linkedSurveys.size) +
      pages(hubspotContacts) +
      pages(linkedCompanies.size);
    const per1000 = (n: number) => (1000 * n) / hubspotContacts;

    console.log(
      `\nFirst sync with write-back, ${contacts.toLocaleString()} contacts (${stored.tickets.toLocaleString()} tickets, ${stored.associations.toLocaleString()} associations)`,
    );
    console.log(
      `  elapsed                       ${(elapsedMs / 1000).toFixed(1)} s (our budget ${budget}/10 s under HubSpot's ${CEILING_PER_10S}/10 s)`,
    );
    console.log(
      `  burst requests / allowed      ${burst} / ${allowed.toFixed(0)} = ${((100 * burst) / allowed).toFixed(1)}% of the ceiling`,
    );
    console.log(`  search requests               ${search} (separate ${SEARCH_CEILING_PER_S}/s budget)`);
    console.log(`  API calls per 1,000 contacts  ${((1000 * total) / contacts).toFixed(1)} (total ${total})`);
    console.log(
      `  burst requests per 1,000      ${per1000(burst).toFixed(2)} against a floor of ${per1000(floor).toFixed(2)}: ${((100 * (burst - floor)) / floor).toFixed(1)}% above it (target: within 15%)`,
    );
    console.log(
      `    floor = ${pages(hubspotContacts)} list pages + ${pages(linkedTickets.size)} ticket + ${pages(linkedCompanies.size)} company + ${pages(linkedSurveys.size)} survey-response batch reads + ${pages(hubspotContacts)} batch writes + ${pages(linkedCompanies.size)} company batch writes`,
    );
    console.log(
      `    (${linkedTickets.size.toLocaleString()} tickets, ${linkedCompanies.size.toLocaleString()} companies, ${linkedSurveys.size.toLocaleString()} survey responses linked to contacts)`,
    );
    console.log(
      `  429 responses                 ${after.throttled - before.throttled}${throttledAt.length ? ` at ${throttledAt.join(', ')} s` : ''}`,
    );
    console.log(
      `  failed records                ${summary.writeBack.failed + (hubspotContacts - stored.contacts) + wrong} (write failures ${summary.writeBack.failed}, not stored ${hubspotContacts - stored.contacts}, without persona in HubSpot ${wrong})`,
    );
    console.log(`  written                       ${summary.writeBack.written} contacts in ${summary.writeBack.requests} batch requests`);
    console.log('  requests by endpoint');
    for (const [path, n] of Object.entries(byPath).sort((a, b) => b[1] - a[1])) console.log(`    ${String(n).padStart(6)}  ${path}`);
  } finally {
    await h.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
