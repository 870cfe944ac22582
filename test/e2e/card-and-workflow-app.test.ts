import type { CardView } from '../../src/card-api/card-view';
import { startAppHarness, type Harness } from '../support/app-harness';

/**
 * HubSpot's side of the card and the workflow action, played by the sandbox: signed calls into
 * the whole app, answered from the store that the OAuth install and the first sync filled.
 */
describe('the persona card and workflow action through the whole app', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startAppHarness({ contacts: 60 });
    await harness.install();
    const deadline = Date.now() + 20_000;
    while (harness.app.services.sync.isRunning(harness.portalId) || (await harness.app.stores.crm.counts(harness.portalId)).contacts < 60) {
      if (Date.now() > deadline) throw new Error('first sync did not finish');
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  afterAll(() => harness?.close());

  it('serves the card for a synced contact, with the same persona HubSpot holds', async () => {
    const { sandbox, app, portalId } = harness;
    const [contactId] = await app.stores.crm.listContactIds(portalId, null, 1);
    const res = await sandbox.outbound.cardFetch({ portalId, contactId: contactId!, userId: 7, userEmail: 'rep@example.com' });
    expect(res.status).toBe(200);
    const view = res.body as CardView;
    expect(view).toMatchObject({ contractVersion: 1, portalId, contactId });
    const stored = await app.stores.assignments.get(portalId, contactId!);
    expect(view.persona?.id ?? 'unassigned').toBe(stored?.personaId);
    expect(sandbox.data.getContact(portalId, contactId!)?.properties.persona).toBe(stored?.personaId);
  });

  it('fetches, assigns and stores a contact created in HubSpot since the last sync', async () => {
    const { sandbox, app, portalId } = harness;
    const created = sandbox.data.createContact(portalId, {
      email: 'new.analyst@example.com',
      jobtitle: 'Senior Data Analyst',
      industry: 'FINANCIAL_SERVICES',
      hs_analytics_num_page_views: '40',
      hs_email_click: '6',
    });
    expect(await app.stores.crm.getContact(portalId, created.id)).toBeNull();
    const res = await sandbox.outbound.cardFetch({ portalId, contactId: created.id });
    expect(res.status).toBe(200);
    expect(await app.stores.crm.getContact(portalId, created.id)).not.toBeNull();
    expect((await app.stores.assignments.get(portalId, created.id))?.personaId).toBe((res.body as CardView).persona?.id ?? 'unassigned');
  });

  it('answers a workflow action signed v2 only, as HubSpot sends it, with the effective persona; a retried callback gets the same answer', async () => {
    const { sandbox, app, portalId } = harness;
    const [contactId] = await app.stores.crm.listContactIds(portalId, null, 1);
    const first = await sandbox.outbound.workflowAction({ portalId, contactId: contactId!, callbackId: 'ap-1-2-3' });
    expect(first.status).toBe(200);
    const stored = await app.stores.assignments.get(portalId, contactId!);
    const persona = stored?.override?.persona ?? stored?.personaId;
    const { ruleSet } = await app.services.ruleSets.live(portalId);
    const label = ruleSet.personas.find((p) => p.id === persona)?.name ?? ruleSet.unassigned.label;
    expect(first.body).toEqual({
      outputFields: {
        matches_persona: 'no',
        persona,
        persona_label: label,
        persona_score: expect.any(Number),
        hs_execution_state: 'SUCCESS',
      },
    });
    const again = await sandbox.outbound.workflowAction({ portalId, contactId: contactId!, callbackId: 'ap-1-2-3' });
    expect(again.body).toEqual(first.body);
    expect(await app.stores.workflowCallbacks.get(portalId, 'ap-1-2-3')).toEqual(first.body);
  });

  it('takes a workflow action signed v3 only as well', async () => {
    const { sandbox, app, portalId } = harness;
    const [contactId] = await app.stores.crm.listContactIds(portalId, null, 1);
    const res = await sandbox.outbound.workflowAction({ portalId, contactId: contactId!, callbackId: 'ap-v3-only', signature: 'v3' });
    expect(res.status).toBe(200);
    expect((res.body as { outputFields: { persona: string } }).outputFields.persona).toBe(
      (await app.stores.assignments.get(portalId, contactId!))?.personaId,
    );
  });

  it("fills the workflow editor's persona dropdown from the portal's live rule set, and follows a publish with no project upload", async () => {
    const { sandbox, app, portalId, appBaseUrl, adminToken } = harness;
    const choices = async (q?: string) => {
      const res = await sandbox.outbound.workflowOptions({ portalId, inputFieldName: 'persona_to_check', q });
      expect(res.status).toBe(200);
      return (res.body as { options: { value: string; label: string }[] }).options;
    };
    const live = await app.services.ruleSets.live(portalId);
    expect((await choices()).map((o) => o.value)).toEqual([...live.ruleSet.personas.map((p) => p.id), live.ruleSet.unassigned.id]);

    const [renamed, ...rest] = live.ruleSet.personas;
    const next = { ...live.ruleSet, personas: [{ ...renamed, name: 'Renamed In This Portal' }, ...rest.slice(0, -1)] };
    const published = await fetch(`${appBaseUrl}/api/admin/portals/${portalId}/rule-sets/publish`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ruleSet: next, note: 'portal-specific personas' }),
    });
    expect(published.status).toBe(201);
    // The publish rescores as a background job; later tests read the contacts it rescores.
    await harness.app.services.jobs.idle();
    const after = await choices();
    expect(after.find((o) => o.value === renamed.id)?.label).toBe('Renamed In This Portal');
    expect(after.map((o) => o.value)).not.toContain(rest.at(-1)!.id);
    expect((await choices('renamed in')).map((o) => o.value)).toEqual([renamed.id]);
  });

  it('lets a workflow branch on the persona the author picked: matches_persona is yes for it and no for another', async () => {
    const { sandbox, app, portalId } = harness;
    const [contactId] = await app.stores.crm.listContactIds(portalId, null, 1);
    const stored = await app.stores.assignments.get(portalId, contactId!);
    const persona = stored?.override?.persona ?? stored!.personaId;
    const other = (await app.services.ruleSets.live(portalId)).ruleSet.personas.find((p) => p.id !== persona)!.id;
    const run = async (callbackId: string, pick: string) =>
      (
        (await sandbox.outbound.workflowAction({ portalId, contactId: contactId!, callbackId, inputFields: { persona_to_check: pick } }))
          .body as { outputFields: Record<string, unknown> }
      ).outputFields;
    expect(await run('branch-yes', persona)).toMatchObject({ matches_persona: 'yes', persona });
    expect(await run('branch-no', other)).toMatchObject({ matches_persona: 'no', persona });
  });

  it('refuses a card request that HubSpot did not sign', async () => {
    const { appBaseUrl, portalId, app } = harness;
    const [contactId] = await app.stores.crm.listContactIds(portalId, null, 1);
    const res = await fetch(`${appBaseUrl}/api/cards/persona?portalId=${portalId}&contactId=${contactId}`);
    expect(res.status).toBe(401);
  });

  it("writes an admin's override to HubSpot, keeps it through a rescore, and writes the computed persona back when cleared", async () => {
    const { sandbox, app, portalId, appBaseUrl, adminToken } = harness;
    const [, contactId] = await app.stores.crm.listContactIds(portalId, null, 2);
    const computed = (await app.stores.assignments.get(portalId, contactId!))!.personaId;
    const chosen = computed === 'support_lead' ? 'developer' : 'support_lead';
    const url = `${appBaseUrl}/api/admin/portals/${portalId}/contacts/${contactId}/override`;
    const auth = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };

    expect((await fetch(url, { method: 'PUT', headers: auth, body: JSON.stringify({ personaId: chosen }) })).status).toBeLessThan(300);
    expect(sandbox.data.getContact(portalId, contactId!)?.properties.persona).toBe(chosen);
    await app.services.sync.fullSync(portalId);
    expect((await app.stores.assignments.get(portalId, contactId!))?.override?.persona).toBe(chosen);
    expect(sandbox.data.getContact(portalId, contactId!)?.properties.persona).toBe(chosen);

    expect((await fetch(url, { method: 'DELETE', headers: auth })).status).toBeLessThan(300);
    expect(sandbox.data.getContact(portalId, contactId!)?.properties.persona).toBe(computed);
    await app.services.sync.fullSync(portalId);
    expect((await app.stores.assignments.get(portalId, contactId!))?.override).toBeNull();
  });
});
