import { readFileSync } from 'node:fs';
import { AssignmentService } from '../../../src/personas/assignment-service';
import { RuleSetService } from '../../../src/personas/rule-set-service';
import { fixedClock } from '../../../src/platform/clock';
import { silentLogger } from '../../../src/platform/logger';
import { openStorage, type Storage } from '../../../src/storage/connect';
import { createStores, type Stores } from '../../../src/storage/stores';
import type { BatchWriteResult, HubSpotGateways, PortalHubSpot } from '../../../src/crm/hubspot-port';

const PORTAL = 8;
const defaultRuleSet = () => JSON.parse(readFileSync('config/personas.json', 'utf8')) as unknown;

describe('scoring and writing personas back', () => {
  let storage: Storage;
  let stores: Stores;
  const clock = fixedClock(Date.parse('2026-11-02T00:00:00Z'));

  beforeEach(async () => {
    storage = await openStorage('sqlite::memory:');
    stores = createStores(storage);
    await stores.crm.upsertContacts(
      PORTAL,
      Array.from({ length: 250 }, (_, i) => ({
        id: String(5000 + i),
        email: null,
        properties: { jobtitle: i % 2 ? 'Data Analyst' : 'Student', persona: null, persona_secondary: null, persona_score: null },
        hsUpdatedAt: 1,
        archived: false,
      })),
      1,
    );
  });
  afterEach(async () => {
    await storage.close();
  });

  function build(update: (inputs: readonly { id: string }[], attempt: number) => BatchWriteResult) {
    const requests: string[][] = [];
    const portal: Partial<PortalHubSpot> = {
      portalId: PORTAL,
      updateContacts: async (inputs) => {
        requests.push(inputs.map((i) => i.id));
        return update(inputs, requests.length);
      },
    };
    const gateways: HubSpotGateways = { forPortal: () => portal as PortalHubSpot };
    const ruleSets = new RuleSetService({ ruleSets: stores.ruleSets, clock, defaultRuleSet });
    const service = new AssignmentService({
      crm: stores.crm,
      assignments: stores.assignments,
      ruleSets,
      gateways,
      clock,
      logger: silentLogger,
      writeConcurrency: 1,
    });
    return { service, ruleSets, requests };
  }

  it('writes in batches of 100 and, after a partial failure, retries only the failed records', async () => {
    const { service, ruleSets, requests } = build((inputs, attempt) =>
      attempt === 1
        ? {
            written: inputs.slice(3).map((i) => i.id),
            failed: inputs.slice(0, 3).map((i) => ({ id: i.id, message: 'try again', notFound: false })),
          }
        : { written: inputs.map((i) => i.id), failed: [] },
    );
    await ruleSets.ensureSeeded(PORTAL);
    await service.rescoreAll(PORTAL);
    const result = await service.writeBack(PORTAL);
    expect(result).toMatchObject({ written: 250, failed: 0 });
    expect(requests.map((r) => r.length)).toEqual([100, 3, 100, 50]);
    expect(requests[1]).toEqual(requests[0].slice(0, 3));
    expect(await stores.assignments.countPendingWrites(PORTAL)).toBe(0);
  });

  it('writes nothing the second time when nothing changed', async () => {
    const { service, ruleSets, requests } = build((inputs) => ({ written: inputs.map((i) => i.id), failed: [] }));
    await ruleSets.ensureSeeded(PORTAL);
    await service.rescoreAll(PORTAL);
    await service.writeBack(PORTAL);
    const before = requests.length;
    await service.rescoreAll(PORTAL);
    expect((await service.writeBack(PORTAL)).written).toBe(0);
    expect(requests).toHaveLength(before);
  });

  it('leaves records that keep failing pending, after a bounded number of attempts, and purges records HubSpot no longer has', async () => {
    const { service, ruleSets, requests } = build((inputs) => ({
      written: inputs.filter((i) => i.id !== '5000' && i.id !== '5001').map((i) => i.id),
      failed: inputs
        .filter((i) => i.id === '5000' || i.id === '5001')
        .map((i) => ({ id: i.id, message: i.id === '5000' ? 'gone' : 'invalid', notFound: i.id === '5000' })),
    }));
    await ruleSets.ensureSeeded(PORTAL);
    await service.rescoreAll(PORTAL);
    const result = await service.writeBack(PORTAL);
    expect(result).toMatchObject({ written: 248, failed: 1, purged: 1 });
    expect(requests.filter((r) => r.includes('5001'))).toHaveLength(3);
    // A contact HubSpot no longer has is not sent again.
    expect(requests.filter((r) => r.includes('5000'))).toHaveLength(1);
    expect(await stores.crm.getContact(PORTAL, '5000')).toBeNull();
    expect((await stores.assignments.get(PORTAL, '5001'))?.needsWrite).toBe(true);
  });

  it('records as written, without a request, a contact HubSpot already holds exactly the values for (a write whose answer was lost)', async () => {
    const { service, ruleSets, requests } = build((inputs) => ({ written: inputs.map((i) => i.id), failed: [] }));
    await ruleSets.ensureSeeded(PORTAL);
    const [first] = (await service.scoreContacts(PORTAL, ['5000'], 'sync')).toWrite;
    expect(first).toBe('5000');
    const a = (await stores.assignments.get(PORTAL, '5000'))!;
    const contact = (await stores.crm.getContact(PORTAL, '5000'))!;
    // HubSpot took the write (its answer never arrived); the next listing reads the values back.
    const held = { persona: a.personaId, persona_secondary: a.secondary.join(';'), persona_score: String(a.score) };
    await stores.crm.upsertContacts(PORTAL, [{ ...contact, properties: { ...contact.properties, ...held } }], 2);
    // One value differs on another contact: that one is written.
    const other = (await stores.crm.getContact(PORTAL, '5001'))!;
    await service.scoreContacts(PORTAL, ['5001'], 'sync');
    const b = (await stores.assignments.get(PORTAL, '5001'))!;
    await stores.crm.upsertContacts(
      PORTAL,
      [
        {
          ...other,
          properties: {
            ...other.properties,
            persona: b.personaId,
            persona_secondary: b.secondary.join(';'),
            persona_score: String(b.score + 1),
          },
        },
      ],
      2,
    );

    const again = await service.scoreContacts(PORTAL, ['5000', '5001'], 'sync');
    expect(again.toWrite).toEqual(['5001']);
    expect((await stores.assignments.get(PORTAL, '5000'))?.written).toEqual({
      persona: a.personaId,
      secondary: a.secondary.join(';'),
      score: String(a.score),
    });
    expect(await service.writeContacts(PORTAL, ['5000', '5001'])).toMatchObject({ written: 1, requests: 1 });
    expect(requests).toEqual([['5001']]);
  });
});
