import { aPersona, aRule, aRuleSet } from '../support/rule-set-builders';
import { startAppHarness, type Harness } from '../support/app-harness';

/**
 * Company webhooks through the whole app: HubSpot reports company property changes and
 * contact↔company association changes; the worker reads the company or the contact's links again
 * and the persona follows, without a sync.
 */

jest.setTimeout(60_000);

const bigAccounts = aRuleSet([
  aPersona({
    id: 'big_account',
    threshold: 10,
    rules: [aRule({ company: { property: 'numberofemployees', gte: 1000 } }, 10, 'Large company')],
  }),
]);

describe('company webhooks through the whole app', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startAppHarness({
      contacts: 60,
      sandbox: { webhooks: { enabled: true, flushMs: 10, retryDelaysMs: [50, 100, 200, 400] } },
    });
    await harness.install();
    await waitFor(
      async () =>
        !harness.app.services.sync.isRunning(harness.portalId) && (await harness.app.stores.crm.counts(harness.portalId)).contacts === 60,
    );
    await harness.app.stores.ruleSets.add(
      harness.portalId,
      { body: bigAccounts, status: 'published', createdBy: 'test', note: 'big accounts' },
      Date.now(),
    );
    await harness.app.services.propertySetup.ensure(harness.portalId, bigAccounts);
    await harness.app.services.sync.reconcile(harness.portalId);
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

  const personaOf = (contactId: string) => harness.sandbox.data.getContact(harness.portalId, contactId)?.properties.persona;

  it('moves every contact whose primary company grows past the rule, and only them', async () => {
    const { sandbox, portalId } = harness;
    const store = sandbox.data.store(portalId);
    const small = [...store.iterate('companies')].find(
      (c) => Number(c.properties.numberofemployees) < 1000 && sandbox.data.contactIdsOfCompany(portalId, c.id).length >= 2,
    )!;
    const members = sandbox.data.contactIdsOfCompany(portalId, small.id).filter((id) => store.links.primaryCompanyOf(id) === small.id);
    for (const id of members) expect(personaOf(id)).toBe('unassigned');

    sandbox.data.updateCompany(portalId, small.id, { numberofemployees: '2500' });
    await settle();

    for (const id of members) expect(personaOf(id)).toBe('big_account');
    expect(sandbox.webhooks.deliveries().every((d) => d.ok)).toBe(true);
  });

  it('rescores a contact whose primary company changes, from the association webhook', async () => {
    const { sandbox, portalId } = harness;
    const store = sandbox.data.store(portalId);
    const big = [...store.iterate('companies')].find((c) => Number(c.properties.numberofemployees) >= 1000)!;
    const tiny = [...store.iterate('companies')].find((c) => Number(c.properties.numberofemployees) < 100)!;
    const contact = [...store.iterate('contacts')].find((c) => store.links.primaryCompanyOf(c.id) === big.id)!;
    expect(personaOf(contact.id)).toBe('big_account');

    sandbox.data.associateCompany(portalId, contact.id, tiny.id, true);
    await settle();
    expect(personaOf(contact.id)).toBe('unassigned');

    sandbox.data.associateCompany(portalId, contact.id, big.id, true);
    await settle();
    expect(personaOf(contact.id)).toBe('big_account');
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
