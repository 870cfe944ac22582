import fc from 'fast-check';
import { classifyEvent, dedupeKeyOf, type WebhookEvent } from '../../../src/webhook-receiver/webhook-event';
import { isOwnWrite, planWebhookWork, type WatchedProperties } from '../../../src/webhook-receiver/plan-webhook-work';

const APP_ID = 424242;
const PORTAL = 555;
const T = Date.UTC(2026, 10, 28, 12);
const WATCHED: WatchedProperties = {
  contactProperties: ['jobtitle', 'lifecyclestage'],
  ticketProperties: ['hs_ticket_category', 'createdate'],
  personaProperty: 'persona',
};

let nextId = 1;
function ev(subscriptionType: string, objectId: number, at: number, extra: Partial<WebhookEvent> = {}): WebhookEvent {
  return { eventId: nextId++, portalId: PORTAL, occurredAt: at, subscriptionType, objectId, ...extra };
}
/** An association change exactly as documented: the ends in from/toObjectId and no objectId at all. */
function link(
  subscriptionType: string,
  associationType: string,
  fromObjectId: number,
  toObjectId: number,
  at: number,
  extra: Partial<WebhookEvent> = {},
): WebhookEvent {
  return {
    eventId: nextId++,
    portalId: PORTAL,
    occurredAt: at,
    subscriptionType,
    associationType,
    fromObjectId,
    toObjectId,
    associationRemoved: false,
    isPrimaryAssociation: false,
    ...extra,
  };
}
/** A merge without objectId, carrying only the merge fields given. */
function merge(at: number, fields: Partial<WebhookEvent>, subscriptionType = 'contact.merge'): WebhookEvent {
  return { eventId: nextId++, portalId: PORTAL, occurredAt: at, subscriptionType, ...fields };
}
const change = (objectId: number, at: number, propertyName: string, propertyValue: string, extra: Partial<WebhookEvent> = {}) =>
  ev('contact.propertyChange', objectId, at, { propertyName, propertyValue, changeSource: 'CRM', sourceId: 'userId:7', ...extra });

const plan = (events: WebhookEvent[]) => planWebhookWork(events, WATCHED, APP_ID);

describe('classifying webhook events', () => {
  it('reads legacy and generic subscription types alike', () => {
    expect(classifyEvent({ subscriptionType: 'contact.privacyDeletion' })).toEqual({ object: 'contact', change: 'privacyDeletion' });
    expect(classifyEvent({ subscriptionType: 'object.propertyChange', objectTypeId: '0-1' })).toEqual({
      object: 'contact',
      change: 'propertyChange',
    });
    expect(classifyEvent({ subscriptionType: 'object.creation', objectTypeId: '0-5' })).toEqual({ object: 'ticket', change: 'creation' });
    expect(classifyEvent({ subscriptionType: 'object.creation', objectTypeId: '0-3' })).toEqual({ object: 'other', change: 'creation' });
    expect(classifyEvent({ subscriptionType: 'contact.somethingNew' })).toEqual({ object: 'contact', change: 'other' });
  });

  it('derives the same dedupe key for a redelivery and different keys for different changes', () => {
    const original = change(1, T, 'jobtitle', 'CEO');
    expect(dedupeKeyOf({ ...original, eventId: 999, attemptNumber: 3 })).toBe(dedupeKeyOf(original));
    expect(dedupeKeyOf({ ...original, propertyValue: 'CFO' })).not.toBe(dedupeKeyOf(original));
    expect(dedupeKeyOf({ ...original, occurredAt: T + 1 })).not.toBe(dedupeKeyOf(original));
    expect(dedupeKeyOf({ ...original, portalId: 556 })).not.toBe(dedupeKeyOf(original));
  });

  it("recognises the app's own writes by change source and app id", () => {
    expect(isOwnWrite({ changeSource: 'INTEGRATION', sourceId: '424242' }, APP_ID)).toBe(true);
    expect(isOwnWrite({ changeSource: 'INTEGRATION', sourceId: 'app:424242' }, APP_ID)).toBe(true);
    expect(isOwnWrite({ changeSource: 'INTEGRATION', sourceId: '1424242' }, APP_ID)).toBe(false);
    expect(isOwnWrite({ changeSource: 'INTEGRATION', sourceId: '99' }, APP_ID)).toBe(false);
    expect(isOwnWrite({ changeSource: 'CRM', sourceId: '424242' }, APP_ID)).toBe(false);
  });
});

describe('planning the work for a batch of webhook events', () => {
  it('coalesces a burst of changes to one contact into one refresh', () => {
    const events = Array.from({ length: 50 }, (_, i) => change(1, T + i, i % 2 ? 'jobtitle' : 'lifecyclestage', `v${i}`));
    expect(plan(events)).toMatchObject({ refreshContacts: ['1'], purgeContacts: [], ignored: 0 });
  });

  it('ignores changes of properties the rules do not read', () => {
    expect(plan([change(1, T, 'phone', '555'), change(2, T, 'jobtitle', 'CEO')])).toMatchObject({ refreshContacts: ['2'], ignored: 1 });
  });

  it("ignores the app's own writes, so writing back never triggers more work", () => {
    const own = { changeSource: 'INTEGRATION', sourceId: String(APP_ID) };
    const result = plan([
      change(1, T, 'persona', 'explorer', own),
      change(1, T, 'persona_score', '40', own),
      change(2, T, 'persona_secondary', 'x', own),
    ]);
    expect(result).toMatchObject({ refreshContacts: [], personaChanges: [], ignored: 3 });
  });

  it('reports a persona change by someone else as a manual override candidate, newest value per contact', () => {
    const result = plan([change(1, T + 5, 'persona', ' analyst '), change(1, T + 1, 'persona', 'explorer', { sourceId: 'userId:8' })]);
    expect(result.personaChanges).toEqual([{ contactId: '1', value: 'analyst', by: 'CRM userId:7', at: T + 5 }]);
    expect(result.refreshContacts).toEqual([]);
  });

  it('purges a deleted contact, and a change older than the deletion does not bring it back', () => {
    const result = plan([ev('contact.deletion', 1, T + 10), change(1, T + 5, 'jobtitle', 'CEO')]);
    expect(result).toMatchObject({ refreshContacts: [], purgeContacts: [{ contactId: '1', permanent: false, at: T + 10 }] });
  });

  it('refreshes a contact restored after its deletion, whatever order the events arrive in', () => {
    const events = [ev('contact.restore', 1, T + 20), ev('contact.deletion', 1, T + 10)];
    expect(plan(events)).toMatchObject({ refreshContacts: ['1'], purgeContacts: [] });
  });

  it('never revives a privacy-deleted contact, even when a restore or change follows', () => {
    const events = [
      ev('contact.restore', 1, T + 20),
      change(1, T + 30, 'jobtitle', 'x'),
      ev('contact.privacyDeletion', 1, T + 10),
      ev('contact.deletion', 1, T + 10),
    ];
    expect(plan(events)).toMatchObject({ refreshContacts: [], purgeContacts: [{ contactId: '1', permanent: true }], personaChanges: [] });
  });

  it('drops a persona change of a contact that is purged in the same batch', () => {
    expect(plan([change(1, T, 'persona', 'explorer'), ev('contact.deletion', 1, T + 1)]).personaChanges).toEqual([]);
  });

  it('rescores the surviving contact of a merge and removes the merged ones for good', () => {
    const merge = ev('contact.merge', 1, T + 10, { primaryObjectId: 1, mergedObjectIds: [2, 3], newObjectId: 1 });
    const result = plan([change(2, T + 20, 'jobtitle', 'late'), merge]);
    expect(result.refreshContacts).toEqual(['1']);
    expect(result.purgeContacts.map((p) => [p.contactId, p.permanent]).sort()).toEqual([
      ['2', true],
      ['3', true],
    ]);
  });

  it('treats a merge into a new id as removing both originals', () => {
    const merge = ev('contact.merge', 1, T, { primaryObjectId: 1, mergedObjectIds: [2], newObjectId: 9 });
    const result = plan([merge]);
    expect(result.refreshContacts).toEqual(['9']);
    expect(result.purgeContacts.map((p) => p.contactId).sort()).toEqual(['1', '2']);
  });

  it('rescores a contact when a ticket or a company is linked or unlinked, from either side and in either dialect, and ignores other associations', () => {
    const result = plan([
      link('contact.associationChange', 'CONTACT_TO_TICKET', 1, 50, T),
      link('contact.associationChange', 'CONTACT_TO_TICKET', 2, 51, T, { associationRemoved: true }),
      link('contact.associationChange', 'CONTACT_TO_COMPANY', 3, 60, T, { isPrimaryAssociation: true }),
      link('ticket.associationChange', 'TICKET_TO_CONTACT', 52, 4, T),
      link('object.associationChange', 'CONTACT_TO_TICKET', 5, 53, T),
      link('object.associationChange', 'TICKET_TO_CONTACT', 54, 6, T, { associationRemoved: true }),
      link('object.associationChange', 'DEAL_TO_CONTACT', 70, 7, T),
      link('object.associationChange', 'TICKET_TO_COMPANY', 55, 61, T),
    ]);
    // The company link counts too: its primary company is what company conditions read.
    expect([...result.refreshContacts].sort()).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(result.ignored).toBe(2);
  });

  it('rescores the contact whose primary company moves, whichever side reports it, once', () => {
    const result = plan([
      link('contact.associationChange', 'CONTACT_TO_COMPANY', 11, 900, T, { isPrimaryAssociation: true }),
      link('company.associationChange', 'COMPANY_TO_CONTACT', 900, 11, T, { isPrimaryAssociation: true }),
      link('object.associationChange', '0-2_TO_0-1', 901, 12, T, { associationRemoved: true }),
    ]);
    expect([...result.refreshContacts].sort()).toEqual(['11', '12']);
    expect(result.refreshCompanies).toEqual([]);
  });

  it('refreshes a company when a property the rules read changes, or it is deleted or merged, and ignores the rest', () => {
    const watched = { ...WATCHED, companyProperties: ['numberofemployees', 'industry'] };
    const result = planWebhookWork(
      [
        ev('company.propertyChange', 900, T, { propertyName: 'numberofemployees', propertyValue: '40', changeSource: 'CRM' }),
        ev('company.propertyChange', 900, T + 1, { propertyName: 'industry', propertyValue: 'RETAIL', changeSource: 'CRM' }),
        ev('company.propertyChange', 901, T, { propertyName: 'phone', propertyValue: '555', changeSource: 'CRM' }),
        ev('object.propertyChange', 902, T, { objectTypeId: '0-2', propertyName: 'industry', propertyValue: 'RETAIL' }),
        ev('company.deletion', 903, T),
        merge(T, { objectId: 904, primaryObjectId: 904, mergedObjectIds: [905] }, 'company.merge'),
      ],
      watched,
      APP_ID,
    );
    expect([...result.refreshCompanies].sort()).toEqual(['900', '902', '903', '904', '905']);
    expect(result.refreshContacts).toEqual([]);
    expect(result.ignored).toBe(1);
    expect(
      plan([ev('company.propertyChange', 900, T, { propertyName: 'numberofemployees', propertyValue: '40' })]).refreshCompanies,
    ).toEqual([]);
  });

  it('reads the ends from object type ids when the generic dialect names them', () => {
    const result = plan([
      link('object.associationChange', '0-5_TO_0-1', 56, 8, T),
      link('object.associationChange', 'X', 9, 57, T, { fromObjectTypeId: '0-1', toObjectTypeId: '0-5' }),
    ]);
    expect([...result.refreshContacts].sort()).toEqual(['8', '9']);
  });

  it('ignores an association change that lacks one of its ends instead of guessing', () => {
    const noTo = { ...link('contact.associationChange', 'CONTACT_TO_TICKET', 10, 58, T), toObjectId: undefined };
    expect(plan([noTo, link('contact.associationChange', '', 11, 59, T)])).toMatchObject({ refreshContacts: [], ignored: 2 });
  });

  it('handles merges whichever of primaryObjectId, mergedObjectIds and newObjectId are present', () => {
    const ids = (r: ReturnType<typeof plan>) => ({
      refresh: [...r.refreshContacts].sort(),
      purged: r.purgeContacts.map((p) => p.contactId).sort(),
    });
    expect(ids(plan([merge(T, { primaryObjectId: 1, mergedObjectIds: [2] })]))).toEqual({ refresh: ['1'], purged: ['2'] });
    expect(ids(plan([merge(T, { newObjectId: 9, mergedObjectIds: [2, 3] })]))).toEqual({ refresh: ['9'], purged: ['2', '3'] });
    expect(ids(plan([merge(T, { primaryObjectId: 1, newObjectId: 9 })]))).toEqual({ refresh: ['9'], purged: ['1'] });
    expect(ids(plan([merge(T, { primaryObjectId: 1 })]))).toEqual({ refresh: ['1'], purged: [] });
    expect(ids(plan([merge(T, { objectId: 4, mergedObjectIds: [5] })]))).toEqual({ refresh: ['4'], purged: ['5'] });
    expect(plan([merge(T, { mergedObjectIds: [6] })])).toMatchObject({ refreshContacts: [], purgeContacts: [], ignored: 1 });
    const tickets = plan([
      merge(T, { primaryObjectId: 50, mergedObjectIds: [51] }, 'ticket.merge'),
      merge(T, { newObjectId: 60, primaryObjectId: 52, mergedObjectIds: [53], objectTypeId: '0-5' }, 'object.merge'),
    ]);
    expect({ refresh: [...tickets.refreshTickets].sort(), deleted: [...tickets.deleteTickets].sort() }).toEqual({
      refresh: ['50', '60'],
      deleted: ['51', '52', '53'],
    });
  });

  it('refreshes created tickets and tickets whose rule-read properties change, and deletes deleted ones', () => {
    const result = plan([
      ev('ticket.creation', 50, T),
      ev('ticket.propertyChange', 51, T, { propertyName: 'hs_ticket_category', propertyValue: 'ONBOARDING' }),
      ev('ticket.propertyChange', 52, T, { propertyName: 'subject', propertyValue: 'hi' }),
      ev('ticket.propertyChange', 53, T, { propertyName: 'hs_ticket_category', propertyValue: 'X' }),
      ev('ticket.deletion', 53, T + 1),
      ev('object.creation', 54, T, { objectTypeId: '0-5' }),
    ]);
    expect(result).toMatchObject({ refreshTickets: ['50', '51', '54'], deleteTickets: ['53'], ignored: 1 });
  });

  it('plans the same work whatever the order and however many duplicates', () => {
    const ids = [1, 2, 3];
    const arbEvent = fc
      .record({
        kind: fc.constantFrom('creation', 'deletion', 'restore', 'privacyDeletion', 'jobtitle', 'phone', 'persona', 'assoc'),
        id: fc.constantFrom(...ids),
        at: fc.integer({ min: 0, max: 1000 }),
      })
      .map(({ kind, id, at }): WebhookEvent => {
        if (kind === 'jobtitle' || kind === 'phone' || kind === 'persona') return change(id, T + at, kind, `v${at}`);
        if (kind === 'assoc') return link('contact.associationChange', 'CONTACT_TO_TICKET', id, 90, T + at);
        return ev(`contact.${kind}`, id, T + at);
      });
    // Distinct times: HubSpot's order within one millisecond is unknowable, so ties are out of scope.
    const arbBatch = fc.uniqueArray(arbEvent, { selector: (e) => e.occurredAt, minLength: 1, maxLength: 30 });
    const normal = (p: ReturnType<typeof plan>) => ({
      refresh: [...p.refreshContacts].sort(),
      purge: p.purgeContacts.map((x) => `${x.contactId}:${x.permanent}:${x.at}`).sort(),
      persona: p.personaChanges.map((x) => `${x.contactId}:${x.value}:${x.at}`).sort(),
    });
    fc.assert(
      fc.property(arbBatch, fc.context(), (events, ctx) => {
        const shuffled = [...events, ...events.filter((_, i) => i % 3 === 0)].sort(
          (a, b) => (((a.eventId ?? 0) * 7919) % 97) - (((b.eventId ?? 0) * 7919) % 97),
        );
        ctx.log(JSON.stringify(shuffled.map((e) => [e.subscriptionType, e.objectId, e.occurredAt])));
        expect(normal(plan(shuffled))).toEqual(normal(plan(events)));
      }),
      { numRuns: 300 },
    );
  });
});
