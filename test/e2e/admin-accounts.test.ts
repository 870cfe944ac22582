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
    await page.locator('#accounts-gap').selectOption('ops_leader');
    await page.waitForFunction(() => document.querySelector('#accounts-total')?.textContent?.match(/^[\d,]+/));
    await page.waitForFunction(() =>
      [...document.querySelectorAll('#accounts tbody tr')].every((tr) => tr.textContent!.includes('Olivia, Operations Leader')),
    );
    const missing = await rows();
    expect(missing.length).toBeGreaterThan(0);
    for (const r of missing) expect(r.gaps).toContain('Olivia, Operations Leader');
    await page.screenshot({ path: `${SHOTS}/02-missing-ops-leader.png`, fullPage: true });

    // Sort by name across all companies, then page on.
    await page.locator('#accounts-gap').selectOption('');
    await page.locator('#accounts-sort').selectOption('name');
    await page.waitForFunction(() => document.querySelector('#accounts-page')?.textContent?.startsWith('Page 1 of'));
    const first = await rows();
    const names = first.map((r) => r.name.toLowerCase());
    expect(names).toEqual([...names].sort());
    await page.locator('#accounts-next').click();
    await page.waitForFunction(() => document.querySelector('#accounts-page')?.textContent?.startsWith('Page 2 of'));
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
});
