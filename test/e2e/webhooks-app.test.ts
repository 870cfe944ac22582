import { startAppHarness, type Harness } from '../support/app-harness';

/**
 * The webhook path as the composition root wires it: the sandbox portal installs the app through
 * OAuth, then sends signed webhooks to the app's own listener, and the persona follows.
 */

jest.setTimeout(60_000);

describe('webhooks through the whole app', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startAppHarness({
      contacts: 40,
      sandbox: { webhooks: { enabled: true, flushMs: 10, retryDelaysMs: [50, 100, 200, 400] } },
    });
    await harness.install();
    await waitFor(
      async () =>
        !harness.app.services.sync.isRunning(harness.portalId) && (await harness.app.stores.crm.counts(harness.portalId)).contacts === 40,
    );
    await settle();
  });

  afterAll(() => harness?.close());

  async function settle(): Promise<void> {
    const { sandbox, app } = harness;
    for (let round = 0; round < 100; round++) {
      await sandbox.webhooks.settled();
      const last = sandbox.webhooks.deliveries().at(-1)?.deliveryId ?? 0;
      await waitFor(async () => {
        const b = await app.stores.inbox.backlog();
        return b.pending === 0 && b.processing === 0;
      });
      await sandbox.webhooks.flush();
      if ((sandbox.webhooks.deliveries().at(-1)?.deliveryId ?? 0) === last) return;
    }
    throw new Error('webhooks did not settle');
  }

  it('accepts every delivery and moves the persona when a rule-read property changes in HubSpot', async () => {
    const { sandbox, app, portalId } = harness;
    const ids = await app.stores.crm.listContactIds(portalId, null, 100);
    const c = ids.find((id) => sandbox.data.getContact(portalId, id)?.properties.persona !== 'not_a_fit')!;
    sandbox.data.updateContact(portalId, c, { jobtitle: 'Student' });
    await settle();
    expect(sandbox.data.getContact(portalId, c)?.properties.persona).toBe('not_a_fit');
    expect(sandbox.webhooks.deliveries().every((d) => d.ok)).toBe(true);
    expect(await app.stores.inbox.backlog()).toMatchObject({ pending: 0, processing: 0, failed: 0 });
  });

  it('purges a privacy-deleted contact', async () => {
    const { sandbox, app, portalId } = harness;
    const [c] = await app.stores.crm.listContactIds(portalId, null, 1);
    sandbox.data.privacyDelete(portalId, c!);
    await settle();
    expect(await app.stores.crm.getContact(portalId, c!)).toBeNull();
    expect(await app.stores.assignments.get(portalId, c!)).toBeNull();
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
