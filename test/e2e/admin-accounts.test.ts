import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildAdminPage } from '../../tools/build-admin-page';
import { buildCardRenderers } from '../../tools/build-card-renderer';
import { startAppHarness, type Harness } from '../support/app-harness';

jest.setTimeout(180_000);

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.resolve(__dirname, '../../test-results/admin-accounts');
const describeWithChromium = existsSync(CHROMIUM) ? describe : describe.skip;

/** The Accounts view, the committee checkbox and the preview's company line, on the sandbox portal with the default rule set. */
describeWithChromium('buying committees in the admin page (headless Chromium)', () => {
  let stack: Harness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await buildAdminPage();
    await buildCardRenderers();
    stack = await startAppHarness({ portalId: 7_200_015, contacts: 400 });
    await stack.install();
    await stack.waitForFirstSync();
    await stack.app.services.jobs.idle();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${stack.appBaseUrl}/admin/`);
    await page.getByRole('link', { name: 'Sign in with HubSpot' }).click();
    await page.waitForURL(`${stack.sandbox.baseUrl}/oauth/authorize**`);
    await page.getByRole('button', { name: `Connect app to ${stack.portalId}` }).click();
    await page.waitForURL(`${stack.appBaseUrl}/admin/**`);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const rows = async () =>
    page.locator('#accounts tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        id: tr.getAttribute('data-company')!,
        contacts: Number(tr.querySelector('td.num')!.textContent!.replace(/,/g, '')),
        name: tr.querySelector('th')!.firstChild!.textContent!,
        gaps: [...tr.querySelectorAll('td.gaps .gap-tag')].map((g) => g.textContent!),
        complete: tr.querySelector('td.gaps .ok-text') !== null,
      })),
    );

  /** Runs an action that reloads the table, and waits until the table shows the API's answer to it. */
  const reloading = async (matches: (url: URL) => boolean, action: () => Promise<unknown>) => {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/accounts?') && matches(new URL(r.url()))),
      action(),
    ]);
    const ids = ((await response.json()) as { companies: { id: string }[] }).companies.map((c) => c.id);
    await page.waitForFunction(
      (expected) => [...document.querySelectorAll('#accounts tbody tr')].map((tr) => tr.getAttribute('data-company')).join() === expected,
      ids.join(),
    );
  };

  it('lists companies biggest first with their gaps, filters by a gap, sorts by name and pages', async () => {
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.locator('#accounts tbody tr').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/01-accounts.png`, fullPage: true });

    const bySize = await rows();
    expect(bySize).toHaveLength(25);
    const sizes = bySize.map((r) => r.contacts);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    // The sandbox's accounts have both: some complete committees, some with gaps.
    const total = Number(/^([\d,]+)/.exec(await page.locator('#accounts-total').innerText())![1]!.replace(/,/g, ''));
    expect(total).toBeGreaterThan(25);
    expect(bySize.some((r) => r.complete)).toBe(true);
    expect(bySize.some((r) => r.gaps.length > 0)).toBe(true);

    // Filter: only companies missing the economic buyer, each showing that gap.
    await reloading(
      (u) => u.searchParams.get('gap') === 'ops_leader',
      () => page.locator('#accounts-gap').selectOption('ops_leader'),
    );
    const missing = await rows();
    expect(missing.length).toBeGreaterThan(0);
    for (const r of missing) expect(r.gaps).toContain('Olivia, Operations Leader');
    await page.screenshot({ path: `${SHOTS}/02-missing-ops-leader.png`, fullPage: true });

    // Sort by name across all companies, then page on.
    await reloading(
      (u) => !u.searchParams.has('gap'),
      () => page.locator('#accounts-gap').selectOption(''),
    );
    await reloading(
      (u) => u.searchParams.get('sort') === 'name',
      () => page.locator('#accounts-sort').selectOption('name'),
    );
    const first = await rows();
    const names = first.map((r) => r.name.toLowerCase());
    expect(names).toEqual([...names].sort());
    await reloading(
      (u) => u.searchParams.get('page') === '2',
      () => page.locator('#accounts-next').click(),
    );
    const second = await rows();
    expect(second[0]!.name.toLowerCase() >= names[names.length - 1]!).toBe(true);
    expect(second.map((r) => r.id).filter((id) => first.some((f) => f.id === id))).toEqual([]);
  });

  it("opens a company's card preview from the list, with its coverage summary", async () => {
    await page.locator('#accounts-sort').selectOption('size');
    await page.locator('#accounts tbody tr').first().waitFor();
    const href = await page.locator('#accounts tbody tr').first().getByRole('link', { name: 'Card preview' }).getAttribute('href');
    const card = await browser.newPage();
    // The same browser session: the preview is an admin page.
    await card.context().addCookies(await page.context().cookies());
    await card.goto(`${stack.appBaseUrl}${href}`);
    await card.locator('[data-testid="company-card"]').waitFor();
    expect(await card.locator('[data-testid="coverage-summary"]').innerText()).toMatch(/\d of 3 committee personas/);
    await card.screenshot({ path: `${SHOTS}/03-company-card.png`, fullPage: true });
    await card.close();
  });

  it('edits committee in the persona form (never on a negative persona) and previews the companies that would lose coverage', async () => {
    await page.getByRole('link', { name: 'Rule set' }).click();
    await page.getByText('✓ Valid rule set').waitFor();
    const forms = page.locator('#profiles details.profile-form');
    // Not a Fit is negative: its box is off and cannot be ticked.
    await forms.nth(0).locator('summary').click();
    expect(await forms.nth(0).locator('input[name="committee"]').isDisabled()).toBe(true);
    expect(await forms.nth(0).locator('input[name="committee"]').isChecked()).toBe(false);

    // Untick the developer: companies missing only a developer no longer have a gap.
    const developer = forms.filter({ hasText: 'Dev, Integration Engineer' });
    await developer.locator('summary').click();
    expect(await developer.locator('input[name="committee"]').isChecked()).toBe(true);
    await developer.locator('input[name="committee"]').uncheck();
    await page.getByText('✓ Valid rule set').waitFor();
    await page.getByRole('button', { name: 'Preview impact' }).click();
    const line = await page.locator('#company-impact').innerText();
    const [, gain, lose] = /Companies: ([\d,]+) would gain coverage.*?, ([\d,]+) would lose coverage/.exec(line)!;
    expect(Number(gain)).toBeGreaterThan(0);
    expect(Number(lose)).toBe(0);
    await page.screenshot({ path: `${SHOTS}/04-preview-companies.png`, fullPage: true });
  });

  it('refuses committee on a persona turned negative in the form, at its path, until it is unticked', async () => {
    await page.reload();
    await page.getByRole('link', { name: 'Rule set' }).click();
    await page.getByText('✓ Valid rule set').waitFor();
    const form = page.locator('#profiles details.profile-form').filter({ hasText: 'Alex, Hands-on Analyst' });
    if ((await form.getAttribute('open')) === null) await form.locator('summary').click();
    expect(await form.locator('input[name="committee"]').isChecked()).toBe(true);

    await form.locator('select').first().selectOption('negative');
    expect(await form.locator('[role="alert"]').innerText()).toContain('A negative persona cannot be part of the buying committee');
    await page.getByRole('button', { name: /personas\[\d+\]\.committee/ }).waitFor();
    expect(await page.locator('#publish').isDisabled()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/05-negative-committee.png`, fullPage: true });

    // Unticking it makes the rule set valid again, and the box cannot be ticked back.
    await form.locator('input[name="committee"]').uncheck();
    await page.getByText('✓ Valid rule set').waitFor();
    expect(await form.locator('input[name="committee"]').isDisabled()).toBe(true);
  });
});
