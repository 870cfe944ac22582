import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { Router } from 'express';
import { chromium, type Browser, type Page } from 'playwright-core';
import { requireAdmin } from '../../src/admin/admin-guard';
import { buildCardView } from '../../src/card-api/build-card-view';
import { CARD_PREVIEW_PATH, createCardRoutes, type CardQueries } from '../../src/card-api/card-routes';
import { buildCardRenderer } from '../../tools/build-card-renderer';
import type { CardView } from '../../src/card-api/card-view';
import type { ContactWithTickets, PropertyBag } from '../../src/crm/model';
import { createHttpApp } from '../../src/http/create-http-app';
import { compileRuleSet, initialsAvatarSvg, validateRuleSet, type RuleSet } from '../../src/personas/engine';
import { fixedClock } from '../../src/platform/clock';
import { silentLogger } from '../../src/platform/logger';
import type { ManualOverride } from '../../src/personas/writeback';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.resolve(__dirname, '../../test-results/card-preview');
const ADMIN_TOKEN = 'preview-test-admin-token';
const NOW = Date.parse('2026-11-28T12:00:00Z');
const PORTAL = 101;

function defaultRuleSet(): RuleSet {
  const validation = validateRuleSet(JSON.parse(readFileSync(path.resolve(__dirname, '../../config/personas.json'), 'utf8')));
  if (!validation.ok) throw new Error('config/personas.json is not a valid rule set');
  return validation.ruleSet;
}

/** The default rule set scoring three contacts, as the app's card queries would. */
function portalViews(ruleSet: RuleSet): Map<string, CardView> {
  const compiled = compileRuleSet(ruleSet);
  const contacts: Record<
    string,
    { properties: PropertyBag; tickets: { id: string; properties: PropertyBag }[]; override?: ManualOverride }
  > = {
    '501': {
      properties: {
        firstname: 'Priya',
        lastname: 'Natarajan',
        email: 'priya@fintech.example',
        jobtitle: 'Senior Data Analyst',
        hs_analytics_num_page_views: '34',
        hs_email_click: '5',
        industry: 'FINANCIAL_SERVICES',
        lifecyclestage: 'salesqualifiedlead',
      },
      tickets: [
        {
          id: '9001',
          properties: {
            subject: 'Dashboard export times out',
            hs_ticket_category: 'PRODUCT_ISSUE',
            hs_pipeline_stage: '1',
            hs_ticket_priority: 'HIGH',
            createdate: '2026-11-20T09:00:00Z',
          },
        },
        {
          id: '9002',
          properties: {
            subject: 'Add a weekly schedule option',
            hs_ticket_category: 'FEATURE_REQUEST',
            hs_pipeline_stage: '4',
            hs_ticket_priority: 'LOW',
            createdate: '2026-10-02T09:00:00Z',
          },
        },
      ],
    },
    '502': {
      properties: {
        firstname: 'Marco',
        lastname: 'Rossi',
        email: 'marco@example.com',
        jobtitle: 'BI Analyst',
        hs_analytics_num_page_views: '25',
        hs_email_click: '4',
        industry: 'COMPUTER_SOFTWARE',
        lifecyclestage: 'opportunity',
      },
      tickets: [],
      override: { persona: 'ops_leader', by: 'rep@example.com', at: Date.parse('2026-11-21T15:30:00Z') },
    },
    '503': {
      properties: {
        firstname: 'Jo',
        lastname: 'Bloggs',
        email: 'jo@acme.example',
        jobtitle: 'Marketing Coordinator',
        hs_analytics_num_page_views: '6',
        lifecyclestage: 'lead',
      },
      tickets: [],
    },
  };
  const views = new Map<string, CardView>();
  for (const [contactId, c] of Object.entries(contacts)) {
    const record: ContactWithTickets = { properties: c.properties, tickets: c.tickets };
    views.set(
      contactId,
      buildCardView({
        portalId: PORTAL,
        contactId,
        ruleSet,
        contact: record,
        tickets: c.tickets,
        now: NOW,
        assignment: compiled.assign(record, NOW),
        evaluation: compiled.explainAll(record, NOW),
        override: c.override ?? null,
      }),
    );
  }
  return views;
}

const browserAvailable = existsSync(CHROMIUM);
const describeInBrowser = browserAvailable ? describe : describe.skip;
if (!browserAvailable) {
  // Said once, loudly, so a green run without a browser is not mistaken for a checked page.
  process.stderr.write(`card-preview e2e skipped: ${CHROMIUM} is missing (apt-get install -y chromium)\n`);
}

describeInBrowser(`card preview page in headless Chromium${browserAvailable ? '' : ' (skipped: /usr/bin/chromium missing)'}`, () => {
  const ruleSet = defaultRuleSet();
  const personas = new Map(ruleSet.personas.map((p) => [p.id, p]));
  let server: Server;
  let base: string;
  let browser: Browser;
  let page: Page;
  const foreignRequests: string[] = [];
  const views = portalViews(ruleSet);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await buildCardRenderer();
    const queries: CardQueries = {
      getCardView: async (portalId, contactId) => (portalId === PORTAL ? (views.get(contactId) ?? null) : null),
      recompute: async () => null,
    };
    // Stands in for the app's persona photo route, so the page shows real images.
    const photos = Router().get('/static/personas/:file', (req, res) => {
      const id = req.params.file.replace(/\.svg$/, '');
      res.type('image/svg+xml').send(initialsAvatarSvg(personas.get(id)?.name ?? id, id));
    });
    const app = createHttpApp({
      logger: silentLogger,
      health: async () => ({ ok: true, checks: {} }),
      routers: [
        photos,
        createCardRoutes({
          cardQueries: queries,
          clientSecret: 'unused',
          appBaseUrl: 'http://127.0.0.1',
          clock: fixedClock(NOW),
          logger: silentLogger,
          adminGuard: requireAdmin({ adminToken: ADMIN_TOKEN }),
        }),
      ],
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 800, height: 1000 }, extraHTTPHeaders: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    page.on('request', (r) => {
      if (!r.url().startsWith(base)) foreignRequests.push(r.url());
    });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  const open = async (contactId: string) => {
    const response = await page.goto(`${base}${CARD_PREVIEW_PATH}?portalId=${PORTAL}&contactId=${contactId}`);
    expect(response?.status()).toBe(200);
  };
  const itemsOf = (testId: string) => page.getByTestId(testId).locator('li').allTextContents();
  // textContent, not innerText: headings are upper-cased by CSS.
  const textOf = async (testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').replace(/\s+/g, ' ').trim();

  it('shows a rep the persona, why it was chosen, what to say and what to send', async () => {
    const analyst = personas.get('data_analyst')!;
    const view = views.get('501')!;
    expect(view.persona?.id).toBe('data_analyst');
    await open('501');

    await expect(textOf('persona-name')).resolves.toBe(analyst.name);
    await expect(textOf('persona-kind')).resolves.toBe('Customer persona');
    await expect(textOf('rules-tag')).resolves.toBe('Set by rules');
    const score = page.getByTestId('persona-score');
    expect(await textOf('persona-score')).toContain(`${view.score!.score} of ${view.score!.threshold} points`);
    expect(await score.getByRole('progressbar').getAttribute('aria-valuetext')).toBe(
      `${view.score!.score} of ${view.score!.threshold} points`,
    );
    const why = await textOf('why');
    expect(why).toContain(`Why ${analyst.name}`);
    for (const rule of view.why!.firedRules) expect(why).toContain(`${rule.label}+${rule.points}`);
    expect(why).toContain(`Score ${view.why!.score} against a threshold of ${view.why!.threshold}.`);
    expect(why).toContain(
      `Runner-up: ${view.why!.runnerUp!.personaName} with ${view.why!.runnerUp!.score} of ${view.why!.runnerUp!.threshold} points`,
    );
    await expect(itemsOf('talking-points')).resolves.toEqual(analyst.profile.talkingPoints);
    await expect(itemsOf('content-for-stage')).resolves.toEqual(analyst.profile.content.consideration);
    expect(await page.getByText('Stage: consideration').count()).toBe(1);
    await expect(textOf('ticket-summary')).resolves.toBe('2 tickets, 1 open.');
    expect(await textOf('recent-tickets')).toContain('Dashboard export times out');
    await expect(page.getByTestId('manual-tag').count()).resolves.toBe(0);
    const photoWidth = await page.getByTestId('persona-photo').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    expect(photoWidth).toBeGreaterThan(0);

    await page.screenshot({ path: `${SHOTS}/assigned.png`, fullPage: true });
  });

  it('marks a persona set by hand, by whom and when, beside what the rules would say', async () => {
    await open('502');

    const view = views.get('502')!;
    expect(view.computed.personaId).toBe('data_analyst');
    await expect(textOf('persona-name')).resolves.toBe(personas.get('ops_leader')!.name);
    await expect(textOf('manual-tag')).resolves.toBe('Set by hand');
    const override = await textOf('manual-override');
    expect(override).toContain('Set by rep@example.com on 2026-11-21; the app keeps this value.');
    expect(override).toContain(
      `The rules would say: ${personas.get('data_analyst')!.name} (${view.computed.score} of ${view.computed.threshold} points).`,
    );
    await expect(itemsOf('content-for-stage')).resolves.toEqual(personas.get('ops_leader')!.profile.content.decision);

    await page.screenshot({ path: `${SHOTS}/manual.png`, fullPage: true });
  });

  it('tells a rep what would make an unassigned contact qualify', async () => {
    await open('503');

    const hint = views.get('503')!.unassignedHint!;
    expect(hint.reachable).toBe(true);
    expect(await textOf('unassigned')).toContain(ruleSet.unassigned.label);
    const shown = await textOf('unassigned');
    expect(await textOf('unassigned-hint')).toBe(
      `Closest persona: ${hint.personaName}, ${hint.score} of ${hint.threshold} points (${hint.pointsNeeded} more needed).`,
    );
    expect(shown).toContain('It would qualify with:');
    for (const rule of hint.rulesToQualify) expect(await textOf('rules-to-qualify')).toContain(`${rule.label}+${rule.points}`);

    await page.screenshot({ path: `${SHOTS}/unassigned.png`, fullPage: true });
  });

  it('loads nothing from any other host', () => {
    expect(foreignRequests).toEqual([]);
  });

  it('is closed without the admin token', async () => {
    const anonymous = await browser.newPage();
    const response = await anonymous.goto(`${base}${CARD_PREVIEW_PATH}?portalId=${PORTAL}&contactId=501`);

    expect(response?.status()).toBe(401);
    await expect(anonymous.content()).resolves.not.toContain(personas.get('data_analyst')!.name);
    await anonymous.close();
  });
});
