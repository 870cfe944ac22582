import { CardQueryService } from '../../../src/card-api/card-query-service';
import type { PropertyBag } from '../../../src/crm/model';
import type { StoredAssignment } from '../../../src/personas/assignment-store';
import type { ManualOverride } from '../../../src/personas/writeback';
import { compileRuleSet } from '../../../src/personas/engine';
import { fixedClock } from '../../../src/platform/clock';
import type { ContactWithStoredTickets } from '../../../src/crm/crm-store';
import { aPersona, aRule, aRuleSet } from '../../support/rule-set-builders';
import { NOW } from './card-fixtures';

const PORTAL = 101;

const ruleSet = aRuleSet([
  aPersona({
    id: 'analyst',
    name: 'Hands-on Analyst',
    threshold: 30,
    rules: [aRule({ property: 'jobtitle', matches: 'analyst' }, 30, 'Analyst title')],
  }),
  aPersona({
    id: 'leader',
    name: 'Ops Leader',
    kind: 'buyer',
    threshold: 20,
    rules: [aRule({ property: 'jobtitle', matches: '\\bvp\\b' }, 25, 'VP title')],
  }),
]);

function aRecord(id: string, properties: PropertyBag, archived = false): ContactWithStoredTickets {
  return { contact: { id, email: null, properties, hsUpdatedAt: 0, archived }, tickets: [], company: null, surveys: [] };
}

function setup() {
  const store = new Map<string, ContactWithStoredTickets>();
  const hubspot = new Map<string, ContactWithStoredTickets>();
  const overrides = new Map<string, ManualOverride>();
  const refreshed: string[][] = [];
  const service = new CardQueryService({
    crm: { getContactsWithTickets: async (_portalId, ids) => new Map(ids.filter((id) => store.has(id)).map((id) => [id, store.get(id)!])) },
    assignments: {
      get: async (_portalId, contactId) =>
        overrides.has(contactId) ? ({ override: overrides.get(contactId)! } as StoredAssignment) : null,
    },
    ruleSets: { live: async () => ({ version: 1, ruleSet, compiled: compileRuleSet(ruleSet) }) },
    sync: {
      refreshContacts: async (_portalId, ids) => {
        refreshed.push([...ids]);
        const found = ids.filter((id) => hubspot.has(id));
        for (const id of ids) {
          if (hubspot.has(id)) store.set(id, hubspot.get(id)!);
          else store.delete(id);
        }
        return {
          refreshed: found.length,
          purged: ids.length - found.length,
          writeBack: { written: 0, failed: 0, purged: 0, requests: 0, errors: [] },
        };
      },
    },
    clock: fixedClock(NOW),
  });
  return { service, store, hubspot, overrides, refreshed };
}

describe('CardQueryService', () => {
  it('answers a synced contact from the store without calling HubSpot', async () => {
    const { service, store, refreshed } = setup();
    store.set('501', aRecord('501', { jobtitle: 'Data Analyst', firstname: 'Ada' }));

    const view = await service.getCardView(PORTAL, '501');

    expect(view).toMatchObject({
      portalId: PORTAL,
      contactId: '501',
      state: 'assigned',
      persona: { id: 'analyst' },
      score: { score: 30, threshold: 30 },
    });
    expect(view?.why?.firedRules).toEqual([{ label: 'Analyst title', points: 30 }]);
    expect(refreshed).toEqual([]);
  });

  it('fetches, assigns and stores a contact that is not synced yet', async () => {
    const { service, store, hubspot, refreshed } = setup();
    hubspot.set('777', aRecord('777', { jobtitle: 'VP Operations' }));

    const view = await service.getCardView(PORTAL, '777');

    expect(view?.persona?.id).toBe('leader');
    expect(refreshed).toEqual([['777']]);
    expect(store.has('777')).toBe(true);
  });

  it('answers null for a contact HubSpot does not have either', async () => {
    const { service, refreshed } = setup();

    await expect(service.getCardView(PORTAL, '404')).resolves.toBeNull();
    expect(refreshed).toEqual([['404']]);
  });

  it('does not show an archived contact from the store', async () => {
    const { service, store } = setup();
    store.set('501', aRecord('501', { jobtitle: 'Data Analyst' }, true));

    await expect(service.getCardView(PORTAL, '501')).resolves.toBeNull();
  });

  it('shows the stored manual value, by whom and when, beside what the rules say', async () => {
    const { service, store, overrides } = setup();
    store.set('501', aRecord('501', { jobtitle: 'Data Analyst' }));
    overrides.set('501', { persona: 'leader', by: 'rep@example.com', at: Date.parse('2026-11-20T09:30:00Z') });

    const view = await service.getCardView(PORTAL, '501');

    expect(view?.persona?.id).toBe('leader');
    expect(view?.setByHand).toEqual({
      personaId: 'leader',
      personaName: 'Ops Leader',
      setBy: 'rep@example.com',
      setAt: '2026-11-20T09:30:00.000Z',
    });
    expect(view?.computed.personaId).toBe('analyst');
    expect(view?.score).toEqual({ score: 0, threshold: 20, qualifies: false });
  });

  it('refetches from HubSpot on recompute, even for a synced contact', async () => {
    const { service, store, hubspot, refreshed } = setup();
    store.set('501', aRecord('501', { jobtitle: 'Data Analyst' }));
    hubspot.set('501', aRecord('501', { jobtitle: 'VP, Lead Analyst' }));

    const view = await service.recompute(PORTAL, '501');

    expect(refreshed).toEqual([['501']]);
    expect(view?.persona?.id).toBe('analyst');
    expect(view?.secondary.map((s) => s.id)).toEqual(['leader']);
  });

  it('names the company and survey facts behind a rule, and puts the persona\'s "What they say" on its sheet', async () => {
    const accounts = aRuleSet([
      aPersona({
        id: 'enterprise',
        name: 'Enterprise Buyer',
        kind: 'buyer',
        threshold: 10,
        rules: [
          aRule({ company: { property: 'numberofemployees', gte: 1000 } }, 10, 'Large company'),
          aRule({ surveys: { where: { property: 'hs_value', lte: 6 }, withinDays: 90, count: { gte: 1 } } }, -5, 'Recent detractor'),
        ],
      }),
    ]);
    const asked: string[] = [];
    const record: ContactWithStoredTickets = {
      ...aRecord('601', { firstname: 'Eve' }),
      company: { id: '7', properties: { name: 'Acme', numberofemployees: '5200' }, hsUpdatedAt: 0 },
      surveys: [
        {
          id: 's1',
          properties: { hs_value: '9', hs_createdate: new Date(NOW - 86_400_000).toISOString() },
          createdAt: NOW - 86_400_000,
          hsUpdatedAt: 0,
        },
      ],
    };
    const service = new CardQueryService({
      crm: { getContactsWithTickets: async () => new Map([['601', record]]) },
      assignments: { get: async () => null },
      ruleSets: { live: async () => ({ version: 1, ruleSet: accounts, compiled: compileRuleSet(accounts) }) },
      sync: {
        refreshContacts: async () => ({
          refreshed: 0,
          purged: 0,
          writeBack: { written: 0, failed: 0, purged: 0, requests: 0, errors: [] },
        }),
      },
      clock: fixedClock(NOW),
      whatTheySay: async (_portalId, personaId) => {
        asked.push(personaId);
        return [
          {
            contactId: '9',
            surveyId: 's9',
            comment: 'Approvals take weeks.',
            type: 'NPS',
            score: 4,
            createdAt: Date.parse('2026-11-20T08:00:00Z'),
          },
        ];
      },
    });

    const view = await service.getCardView(PORTAL, '601');

    expect(view?.why?.firedRules).toEqual([{ label: 'Large company', points: 10, facts: ['primary company: Acme, 5,200 employees'] }]);
    expect(view?.persona?.whatTheySay).toEqual([{ comment: 'Approvals take weeks.', type: 'NPS', score: 4, date: '2026-11-20' }]);
    expect(asked).toEqual(['enterprise']);
  });
});
