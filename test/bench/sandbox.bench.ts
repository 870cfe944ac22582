/**
 * Sandbox benchmark: a 1,000,000-contact portal listed page by page over HTTP (the way the app's
 * full sync reads it), with peak memory compared against what holding the contacts would cost.
 *
 * Run: npx tsx test/bench/sandbox.bench.ts            (CONTACTS and PAGE can be changed below)
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startSandbox } from '../../src/sandbox';
import { generatePortal } from '../../src/sandbox/generator';

const CONTACTS = 1_000_000;
const PAGE = 100;
const MATERIALISED_SAMPLE = 50_000;
const EDITS = 10_000;
const PORTAL_ID = 900_001;

const MB = 1024 * 1024;
const fmt = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
// Expose gc without a command-line flag, so heap figures are settled however the bench is started.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;

function settleHeap(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** Samples RSS every 25 ms and keeps the high-water mark. */
function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 25);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

async function main(): Promise<void> {
  const log = (line: string) => {
    process.stdout.write(`${line}\n`);
  };
  log(
    `sandbox bench: ${CONTACTS.toLocaleString('en-US')} contacts, ${PAGE} per page, gc ${gc ? 'exposed' : 'not exposed (heap figures are noisier)'}`,
  );

  const heapBaseline = settleHeap();
  const rssBaseline = process.memoryUsage().rss;
  const sandbox = await startSandbox({
    app: { clientId: 'bench', clientSecret: 'bench-secret', appId: 1, redirectUris: ['http://127.0.0.1/cb'], scopes: ['oauth'] },
    portals: [{ portalId: PORTAL_ID, contacts: CONTACTS, seed: 42 }],
    rateLimit: { enabled: false },
    webhooks: { enabled: false },
  });
  const { accessToken } = sandbox.tokens.issue(PORTAL_ID);
  const store = sandbox.data.store(PORTAL_ID);

  // 1. In-process: every contact through the store's lazy iterator.
  let sampler = rssSampler();
  let t0 = performance.now();
  let n = 0;
  for (const c of store.iterate('contacts')) if (c.id) n++;
  const storeMs = performance.now() - t0;
  const storePeak = sampler.stop();
  log(
    `store iterate: ${n.toLocaleString('en-US')} contacts in ${(storeMs / 1000).toFixed(1)} s (${Math.round(n / (storeMs / 1000)).toLocaleString('en-US')}/s), peak RSS ${fmt(storePeak)} (+${fmt(storePeak - rssBaseline)} over the start)`,
  );

  // 2. Over HTTP: the full listing, page by page, with properties the app syncs.
  const props = [
    'jobtitle',
    'industry',
    'numemployees',
    'lifecyclestage',
    'hs_analytics_source',
    'hs_analytics_num_page_views',
    'hs_email_open',
    'hs_email_click',
    'num_conversion_events',
  ]
    .map((p) => `properties=${p}`)
    .join('&');
  sampler = rssSampler();
  t0 = performance.now();
  let after: string | undefined;
  let listed = 0;
  let pages = 0;
  for (;;) {
    const url = `${sandbox.baseUrl}/crm/v3/objects/contacts?limit=${PAGE}&${props}${after ? `&after=${after}` : ''}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
    if (res.status !== 200) throw new Error(`page ${pages} answered ${res.status}`);
    const body = (await res.json()) as { results: unknown[]; paging?: { next: { after: string } } };
    listed += body.results.length;
    pages++;
    after = body.paging?.next.after;
    if (!after) break;
  }
  const httpMs = performance.now() - t0;
  const httpPeak = sampler.stop();
  if (listed !== CONTACTS) throw new Error(`listed ${listed} contacts, expected ${CONTACTS}`);
  log(
    `HTTP list: ${listed.toLocaleString('en-US')} contacts in ${pages.toLocaleString('en-US')} pages, ${(httpMs / 1000).toFixed(1)} s (${(httpMs / pages).toFixed(2)} ms/page), peak RSS ${fmt(httpPeak)} (+${fmt(httpPeak - rssBaseline)} over the start)`,
  );

  const retained = settleHeap() - heapBaseline;
  log(`retained heap after listing (gc settled): ${fmt(retained)} = ${(retained / CONTACTS).toFixed(1)} bytes/contact`);

  // 3. Overlay cost: edits are the only thing the portal keeps.
  const heapBeforeEdits = settleHeap();
  for (let i = 0; i < EDITS; i++) sandbox.data.updateContact(PORTAL_ID, String(1001 + i * 97), { jobtitle: `Edited ${i}` });
  const perEdit = (settleHeap() - heapBeforeEdits) / EDITS;
  log(`overlay: ${EDITS.toLocaleString('en-US')} edits cost ${(perEdit / 1024).toFixed(2)} KB each`);

  await sandbox.close();

  // Peer, measured last so its garbage cannot inflate the figures above: what the contacts would cost if held in memory, measured on a sample and scaled.
  const heapBefore = settleHeap();
  const sampleGen = generatePortal({ seed: 1, contacts: MATERIALISED_SAMPLE });
  const held = [...sampleGen.iterateContacts()].map((c) => ({ c, tickets: sampleGen.ticketsOfContact(c.index) }));
  const heapHeld = settleHeap() - heapBefore;
  const perContactHeld = heapHeld / held.length;
  held.length = 0;
  settleHeap();
  log(
    `materialised peer: ${fmt(heapHeld)} for ${MATERIALISED_SAMPLE.toLocaleString('en-US')} contacts with tickets = ${(perContactHeld / 1024).toFixed(2)} KB/contact -> ${fmt(perContactHeld * CONTACTS)} projected for ${CONTACTS.toLocaleString('en-US')}`,
  );

  const growth = Math.max(storePeak, httpPeak) - rssBaseline;
  const projected = perContactHeld * CONTACTS;
  log('');
  log(`peak RSS growth while serving 1M contacts: ${fmt(growth)} = ${(growth / CONTACTS).toFixed(1)} bytes/contact`);
  log(`ratio to holding them materialised (${fmt(projected)}): ${(growth / projected).toFixed(3)} (ceiling 0.10)`);
  log(`ratio HTTP listing time to in-process iteration: ${(httpMs / storeMs).toFixed(1)}x`);
  const withinCeiling = growth / projected <= 0.1;
  log(withinCeiling ? 'PASS memory ceiling' : 'FAIL memory ceiling');
  if (!withinCeiling) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
