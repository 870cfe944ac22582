import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildAdminPage } from '../../tools/build-admin-page';
import { startAppHarness, type Harness } from '../support/app-harness';

jest.setTimeout(180_000);

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.resolve(__dirname, '../../test-results/admin-insights');
const DAY_MS = 86_400_000;
const describeWithChromium = existsSync(CHROMIUM) ? describe : describe.skip;

describeWithChromium('the insights loop in the admin page, in headless Chromium', () => {
  let stack: Harness;
  let browser: Browser;
  let page: Page;
  const external: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await buildAdminPage();
    stack = await startAppHarness({ portalId: 7_300_001, contacts: 400 });
    await stack.install();
    await stack.waitForFirstSync();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({
      viewport: { width: 1440, height: 1000 },
      extraHTTPHeaders: { authorization: `Bearer ${stack.adminToken}` },
    });
    page.on('dialog', (dialog) => {
      void dialog.accept();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(stack.appBaseUrl) && !r.url().startsWith('data:')) external.push(r.url());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const adminApi = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${stack.appBaseUrl}/api/admin/portals/${stack.portalId}${route}`, {
      method,
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.json() as Promise<T>;
  };
  const editorText = () =>
    page
      .locator('#ruleset-json')
      .evaluate((el) =>
        (el as unknown as { cmTile: { root: { view: { state: { doc: { toString(): string } } } } } }).cmTile.root.view.state.doc.toString(),
      );
  const openInsights = async (tab: 'Discover' | 'Validate' | 'Review') => {
    await page.goto(`${stack.appBaseUrl}/admin/#/insights`);
    await page.getByRole('button', { name: tab, exact: true }).click();
  };

  it('discovers clusters, drafts a rule set from one into the editor, and previews it', async () => {
    await openInsights('Discover');
    await page.getByText('No discovery yet').waitFor();
    await page.getByRole('button', { name: 'Discover personas' }).click();
    await page.locator('#discovery').waitFor();
    const clusters = page.locator('.cluster');
    expect(await clusters.count()).toBeGreaterThan(1);
    // Each cluster says what sets it apart, with effect sizes, titles, industries and words.
    const first = await clusters.first().innerText();
    expect(first).toMatch(/What sets it apart/i);
    expect(first).toMatch(/[+-]\d\.\d\d/);
    expect(first).toContain('Titles');
    expect(first).toContain('Industries');
    // The sandbox's contacts have companies and survey answers: clusters are described by them too.
    const all = await page.locator('#discovery').innerText();
    expect(all).toMatch(/Companies/);
    expect(all).toMatch(/NPS/);
    expect(all).toMatch(/They say/);
    // The cluster × persona chart names today's personas.
    expect(await page.locator('#cluster-personas thead').textContent()).toMatch(/Alex, Hands-on Analyst|Olivia, Operations Leader/);
    await page.screenshot({ path: `${SHOTS}/01-discovery.png`, fullPage: true });

    const draftName = (await clusters.first().locator('.choose').innerText()).match(/“(.+)”/)![1]!;
    await clusters.first().getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Draft a rule set from these clusters' }).click();
    await page.waitForURL('**/admin/#/rules');
    await page.locator('#draft-origin').waitFor();
    expect(await editorText()).toContain(draftName);
    await page.getByText('✓ Valid rule set').waitFor();
    await page.getByRole('button', { name: 'Preview impact' }).click();
    await page.locator('#preview-h').waitFor();
    expect(await page.locator('.preview').innerText()).toContain(draftName);
    await page.screenshot({ path: `${SHOTS}/02-draft-preview.png`, fullPage: true });
    await page.getByRole('button', { name: 'Discard changes' }).click();
  });

  it('refuses a pilot file with a bad line, naming it and importing nothing, then validates the fixed file', async () => {
    const ids: string[] = [];
    for (let after: string | null = null; ids.length < 400;) {
      const batch = await stack.app.stores.crm.listContactIds(stack.portalId, after, 200);
      if (batch.length === 0) break;
      ids.push(...batch);
      after = batch[batch.length - 1]!;
    }
    const rows = ids.map(
      (id, i) => `${id},${i % 2 === 0 ? 'control' : 'personalised'},replied,${(i % 2 === 0 ? i % 7 === 0 : i % 3 === 0) ? 1 : 0}`,
    );
    const bad = ['contact_id,variant,outcome,value', ...rows.slice(0, 3), `${ids[3]},personalised,replied,maybe`, ...rows.slice(4)].join(
      '\n',
    );

    await openInsights('Validate');
    await page.locator('#pilot-file').setInputFiles({ name: 'pilot-with-typo.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByRole('button', { name: 'Upload and validate' }).click();
    const errors = page.locator('#pilot-errors');
    await errors.waitFor();
    expect(await errors.innerText()).toContain('pilot-with-typo.csv: nothing was imported');
    expect(await errors.innerText()).toMatch(/line 5/);
    await page.screenshot({ path: `${SHOTS}/03-pilot-rejected.png`, fullPage: true });
    expect((await adminApi<{ reports: unknown[] }>('GET', '/insights/reports?kind=validation')).reports).toEqual([]);

    const fixed = ['contact_id,variant,outcome,value', ...rows].join('\n');
    await page.locator('#pilot-file').setInputFiles({ name: 'pilot.csv', mimeType: 'text/csv', buffer: Buffer.from(fixed) });
    await page.getByRole('button', { name: 'Upload and validate' }).click();
    await page.locator('#validation').waitFor();
    expect(await page.locator('#pilot-errors').count()).toBe(0);
    expect(await page.locator('#validation .lead').innerText()).toContain(`Pilot “pilot.csv”: ${rows.length} lines`);
    // Verdicts in words, the sample-ratio check, interval plots and the Holm-corrected tests.
    const verdicts = await page.locator('#verdicts').innerText();
    expect(verdicts).toMatch(/Supported|Refuted|Not yet known/);
    expect(await page.locator('#srm').innerText()).toMatch(/split between variants (matches the plan|is off plan)/);
    expect(await page.locator('.interval-plot').count()).toBeGreaterThan(0);
    expect(await page.locator('#pilot-tests tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByRole('heading', { name: /Holm-corrected/ }).count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/04-pilot-verdicts.png`, fullPage: true });

    // The verdict and its date travel to the persona's gallery sheet and to the card.
    const today = new Date().toISOString().slice(0, 10);
    await page.getByRole('link', { name: 'Gallery' }).click();
    const sheetVerdict = page.getByTestId('verdict-ops_leader');
    await sheetVerdict.waitFor();
    expect(await sheetVerdict.innerText()).toMatch(
      new RegExp(`^Hypothesis (supported|refuted|not yet known) · pilot “pilot\\.csv”, ${today}$`),
    );
    const opsContact = (await stack.app.stores.assignments.getMany(stack.portalId, ids)).values();
    const ops = [...opsContact].find((a) => a.personaId === 'ops_leader' && !a.override)!;
    const card = await fetch(`${stack.appBaseUrl}/preview/cards/persona?portalId=${stack.portalId}&contactId=${ops.contactId}`, {
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    const html = await card.text();
    expect(html).toMatch(new RegExp(`data-testid="persona-validation"[^>]*>Hypothesis (supported|refuted|not yet known) · ${today}<`));
  });

  it('runs a quarterly review and shows the share over time, PSI lights, the from→to matrix and actions', async () => {
    // Nightly snapshots a month apart, with a publish in between that moves the analysts away.
    const live = await adminApi<{ ruleSet: { personas: { id: string; threshold: number }[] } }>('GET', '/rule-sets/live');
    const now = Date.now();
    const unassignedId = 'unassigned';
    await stack.app.stores.snapshots.take(stack.portalId, unassignedId, now - 40 * DAY_MS);
    await stack.app.stores.snapshots.take(stack.portalId, unassignedId, now - 20 * DAY_MS);
    const harder = {
      ...live.ruleSet,
      personas: live.ruleSet.personas.map((p) => (p.id === 'data_analyst' ? { ...p, threshold: 500 } : p)),
    };
    // The analysts leave a value a sandbox list and workflow read: the API wants their number confirmed.
    const note = 'analysts need far more evidence';
    const refused = await adminApi<{ error: { code: string; details: { path: string; message: string }[] } }>(
      'POST',
      '/rule-sets/publish',
      {
        ruleSet: harder,
        note,
      },
    );
    expect(refused.error).toMatchObject({ code: 'conflict', details: [{ path: 'confirmAffected' }] });
    const confirmAffected = Number(/^must be (\d+)$/.exec(refused.error.details[0].message)![1]);
    await adminApi('POST', '/rule-sets/publish', { ruleSet: harder, note, confirmAffected });
    // Publishing answers at once and rescores as a job: the snapshot below must see its result.
    await stack.app.services.jobs.idle();
    await stack.app.stores.snapshots.take(stack.portalId, unassignedId, now - DAY_MS);

    await openInsights('Review');
    await page.getByRole('button', { name: 'Run the quarterly review now' }).click();
    await page.locator('#review #psi').waitFor();
    expect(await page.locator('.line-chart polyline').count()).toBeGreaterThan(2);
    expect(await page.locator('.line-chart circle').count()).toBeGreaterThanOrEqual(3 * 3);
    const psi = await page.locator('#psi').innerText();
    expect(psi).toMatch(/Stable|Moderate shift|Major shift/);
    expect(await page.locator('#review-moves').innerText()).toContain('Alex, Hands-on Analyst');
    expect(await page.locator('#stopped-rules').innerText()).toContain('Alex, Hands-on Analyst');
    expect(await page.locator('#actions li').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/05-review.png`, fullPage: true });
    expect(external).toEqual([]);
  });

  it('works the review queue with the keyboard alone: move, confirm, dismiss, pick another', async () => {
    // The publish above moved the analysts: their changes and close calls wait in the queue.
    type QueuePage = { size: number; items: { contactId: string; personaId: string }[] };
    const before = await adminApi<QueuePage>('GET', '/review-queue?limit=5');
    expect(before.size).toBeGreaterThan(3);

    await page.goto(`${stack.appBaseUrl}/admin/#/dashboard`);
    expect(await page.locator('#queue-size .stat-value').innerText()).toBe(String(before.size));
    await page.goto(`${stack.appBaseUrl}/admin/#/queue`);
    await page.locator('#queue').waitFor();
    await page.locator('#both-explanations').waitFor();
    expect(await page.locator('#both-explanations .explain').count()).toBe(2);
    // Focus starts on the first row; ↓ moves to the second.
    expect(await page.evaluate(() => document.activeElement?.className)).toContain('queue-row');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('.queue-row.selected').count()).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-current'))).toBe('true');
    await page.screenshot({ path: `${SHOTS}/06-review-queue.png`, fullPage: true });

    // c confirms the second contact: an override equal to its computed persona.
    await page.keyboard.press('c');
    await page.locator('#toast', { hasText: 'Confirmed' }).waitFor();
    const confirmed = before.items[1]!;
    await page.waitForFunction((n) => document.querySelector('#queue-h')?.textContent?.startsWith(String(n)), before.size - 1);
    // d dismisses the next one under the cursor.
    await page.locator('.queue-row.selected').waitFor();
    await page.keyboard.press('d');
    await page.locator('#toast', { hasText: 'Dismissed' }).waitFor();
    await page.waitForFunction((n) => document.querySelector('#queue-h')?.textContent?.startsWith(String(n)), before.size - 2);
    // p moves to the persona picker; ↓ chooses another persona, Enter sets it.
    await page.keyboard.press('p');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('review-pick');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.locator('#toast', { hasText: 'Set to' }).waitFor();
    await page.waitForFunction((n) => document.querySelector('#queue-h')?.textContent?.startsWith(String(n)), before.size - 3);

    const after = await adminApi<QueuePage>('GET', '/review-queue?limit=0');
    expect(after.size).toBe(before.size - 3);
    const detail = await adminApi<{ stored: { override: { persona: string } | null } }>('GET', `/contacts/${confirmed.contactId}`);
    expect(detail.stored.override?.persona).toBe(confirmed.personaId);
    const audit = await adminApi<{ entries: { action: string }[] }>('GET', '/audit?limit=10');
    expect(
      audit.entries
        .map((e) => e.action)
        .slice(0, 3)
        .sort(),
    ).toEqual(['review.confirm', 'review.dismiss', 'review.pick']);
    await page.screenshot({ path: `${SHOTS}/07-review-queue-worked.png`, fullPage: true });
  });

  it('warns before a publish that moves contacts out of a value a HubSpot workflow branches on, and publishes on a typed confirmation', async () => {
    const paste = async (text: string) => {
      const editor = page.locator('#ruleset-json');
      await editor.focus();
      await page.keyboard.press('Control+A');
      await editor.evaluate((el, value) => {
        const data = new DataTransfer();
        data.setData('text/plain', value);
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }, text);
    };
    await page.goto(`${stack.appBaseUrl}/admin/#/rules`);
    await page.getByText('✓ Valid rule set').waitFor();
    const doc = JSON.parse(await editorText()) as { personas: { id: string; threshold: number }[] };
    doc.personas.find((p) => p.id === 'ops_leader')!.threshold = 900;
    await paste(JSON.stringify(doc, null, 2));
    await page.getByText('✓ Valid rule set').waitFor();
    await page.getByRole('button', { name: 'Preview impact' }).click();

    // The sandbox portal's workflow "Nurture analysts" branches on the persona, ops_leader included.
    const warning = page.locator('#publish-impact .impact-item', { hasText: 'Nurture analysts' });
    await warning.waitFor();
    const sentence = await warning.innerText();
    expect(sentence).toMatch(
      /^Workflow “Nurture analysts” branches on Persona = Olivia, Operations Leader; \d+ contacts would leave that branch\.$/,
    );
    const leaving = Number(/; (\d+) contacts/.exec(sentence)![1]);
    expect(leaving).toBeGreaterThan(0);
    expect(await page.locator('#publish-impact').innerText()).toContain('No active list uses the affected values.');
    await page.locator('#publish-confirm').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/08-publish-warning.png`, fullPage: true });

    // Publishing anyway needs the affected count typed: a wrong number keeps the button off.
    expect(await page.locator('#publish').isDisabled()).toBe(true);
    await page.locator('#publish-confirm').fill(String(leaving + 1));
    expect(await page.locator('#publish').isDisabled()).toBe(true);
    await page.locator('#publish-confirm').fill(String(leaving));
    expect(await page.locator('#publish').isDisabled()).toBe(false);
    await page.locator('#publish').click();
    await page.locator('#toast', { hasText: 'Published version' }).waitFor();
    const audit = await adminApi<{ entries: { action: string; diff: { note?: string | null } | null }[] }>('GET', '/audit?limit=5');
    expect(audit.entries.find((e) => e.action === 'ruleset.publish')?.diff?.note).toContain(
      `Published despite ${leaving} contacts leaving`,
    );
  });
});
