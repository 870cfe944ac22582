import { associationPairOf, classifyEvent, mergeOutcomeOf, type WebhookEvent } from './webhook-event';

/**
 * Objects whose links to a contact feed the rules: linking or unlinking one changes what the rules
 * see for that contact, so the contact is read again. Keyed by the object name of the other end.
 */
export const CONTACT_LINKED_OBJECTS: ReadonlySet<string> = new Set(['ticket', 'company']);

/** What the rules read, and which property the app owns: decides which events cause work. */
export interface WatchedProperties {
  readonly contactProperties: readonly string[];
  readonly ticketProperties: readonly string[];
  /** Company properties the rules read (none: company property changes cause no work). */
  readonly companyProperties?: readonly string[];
  /** The rule set's `property.name`: the persona property the app writes. */
  readonly personaProperty: string;
}

/** A change of the persona property by someone other than the app, newest per contact. */
export interface PersonaChange {
  readonly contactId: string;
  /** Trimmed; '' when the property was emptied. */
  readonly value: string;
  readonly by: string | null;
  readonly at: number;
}

export interface ContactPurge {
  readonly contactId: string;
  /** Privacy deletion or merged away: the contact cannot come back, so no later event revives it. */
  readonly permanent: boolean;
  readonly at: number;
}

export interface WebhookWorkPlan {
  readonly refreshContacts: readonly string[];
  readonly refreshTickets: readonly string[];
  readonly purgeContacts: readonly ContactPurge[];
  readonly deleteTickets: readonly string[];
  /** Companies to read again (a property the rules read changed, or it was deleted or merged): their contacts are rescored. */
  readonly refreshCompanies: readonly string[];
  readonly personaChanges: readonly PersonaChange[];
  /** Events that cause no work: own writes, properties the rules do not read, unknown types. */
  readonly ignored: number;
}

interface ContactState {
  deleted: { permanent: boolean; at: number } | null;
  refresh: boolean;
}

/** Whether HubSpot reports the change as made by this app (the loop we must not feed). */
export function isOwnWrite(event: Pick<WebhookEvent, 'changeSource' | 'sourceId'>, appId: number): boolean {
  if (event.changeSource !== 'INTEGRATION' || event.sourceId === undefined) return false;
  // HubSpot writes the app id alone or with a prefix ("app:123"); match it as a whole number.
  return new RegExp(`(^|\\D)${appId}$`).test(event.sourceId.trim());
}

/**
 * Turns one portal's events, in any order and with any duplicates, into the least work that
 * leaves the store as HubSpot is now: one refresh per contact however many events name it, and
 * the newest lifecycle event per contact deciding between purge and refresh. Pure.
 */
export function planWebhookWork(events: readonly WebhookEvent[], watched: WatchedProperties, appId: number): WebhookWorkPlan {
  const contactProps = new Set(watched.contactProperties);
  const ticketProps = new Set(watched.ticketProperties);
  const companyProps = new Set(watched.companyProperties ?? []);
  const companies = new Set<string>();
  const contacts = new Map<string, ContactState>();
  const tickets = new Map<string, 'refresh' | 'delete'>();
  const personaChanges = new Map<string, PersonaChange>();
  let ignored = 0;

  const stateOf = (id: string): ContactState => {
    let s = contacts.get(id);
    if (!s) contacts.set(id, (s = { deleted: null, refresh: false }));
    return s;
  };
  const touchContact = (id: string) => {
    const s = stateOf(id);
    if (s.deleted?.permanent) return;
    s.deleted = null;
    s.refresh = true;
  };
  const deleteContact = (id: string, permanent: boolean, at: number) => {
    const s = stateOf(id);
    if (s.deleted?.permanent) return;
    s.deleted = { permanent, at };
    s.refresh = false;
  };

  // Stable: events of the same millisecond keep their arrival order.
  const ordered = [...events].sort((a, b) => a.occurredAt - b.occurredAt);
  for (const event of ordered) {
    const { object, change } = classifyEvent(event);
    if (change === 'associationChange') {
      // Whichever side reported it (contact.*, ticket.* or object.*), the pair names the contact.
      const contactId = linkedContactOf(event);
      if (contactId === null) ignored++;
      else touchContact(contactId);
      continue;
    }
    if (object === 'company') {
      // A company feeds the rules of the contacts whose primary company it is; reading it again
      // stores what it is now (or drops it when it is gone) and rescores them.
      const ids =
        change === 'merge'
          ? mergeOutcomeOf(event)
            ? [mergeOutcomeOf(event)!.survivor, ...mergeOutcomeOf(event)!.gone]
            : []
          : event.objectId === undefined
            ? []
            : [String(event.objectId)];
      const relevant =
        change === 'deletion' ||
        change === 'merge' ||
        change === 'restore' ||
        (change === 'propertyChange' && !isOwnWrite(event, appId) && companyProps.has(event.propertyName ?? ''));
      if (relevant && ids.length > 0) for (const id of ids) companies.add(id);
      else ignored++;
      continue;
    }
    if (change === 'merge' && (object === 'contact' || object === 'ticket')) {
      const outcome = mergeOutcomeOf(event);
      if (!outcome) ignored++;
      else if (object === 'contact') {
        for (const g of outcome.gone) deleteContact(g, true, event.occurredAt);
        touchContact(outcome.survivor);
      } else {
        for (const g of outcome.gone) tickets.set(g, 'delete');
        tickets.set(outcome.survivor, 'refresh');
      }
      continue;
    }
    const id = event.objectId === undefined ? null : String(event.objectId);
    if (object === 'contact' && id !== null) {
      switch (change) {
        case 'creation':
        case 'restore':
          touchContact(id);
          continue;
        case 'deletion':
          deleteContact(id, false, event.occurredAt);
          continue;
        case 'privacyDeletion':
          deleteContact(id, true, event.occurredAt);
          continue;
        case 'propertyChange': {
          const name = event.propertyName ?? '';
          if (isOwnWrite(event, appId)) ignored++;
          else if (name === watched.personaProperty) {
            personaChanges.set(id, { contactId: id, value: (event.propertyValue ?? '').trim(), by: sourceOf(event), at: event.occurredAt });
          } else if (contactProps.has(name)) touchContact(id);
          else ignored++;
          continue;
        }
        default:
          ignored++;
          continue;
      }
    }
    if (object === 'ticket' && id !== null) {
      switch (change) {
        case 'creation':
        case 'restore':
          tickets.set(id, 'refresh');
          continue;
        case 'deletion':
          tickets.set(id, 'delete');
          continue;
        case 'propertyChange':
          if (!isOwnWrite(event, appId) && ticketProps.has(event.propertyName ?? '')) tickets.set(id, 'refresh');
          else ignored++;
          continue;
        default:
          ignored++;
          continue;
      }
    }
    ignored++;
  }

  const purgeContacts: ContactPurge[] = [];
  const refreshContacts: string[] = [];
  for (const [id, s] of contacts) {
    if (s.deleted) purgeContacts.push({ contactId: id, permanent: s.deleted.permanent, at: s.deleted.at });
    else if (s.refresh) refreshContacts.push(id);
  }
  return {
    refreshContacts,
    refreshTickets: [...tickets].filter(([, fate]) => fate === 'refresh').map(([id]) => id),
    purgeContacts,
    deleteTickets: [...tickets].filter(([, fate]) => fate === 'delete').map(([id]) => id),
    refreshCompanies: [...companies],
    personaChanges: [...personaChanges.values()].filter((c) => !contacts.get(c.contactId)?.deleted),
    ignored,
  };
}

/** The contact whose linked objects changed, when the other end is one the rules read; else null. */
function linkedContactOf(event: WebhookEvent): string | null {
  const pair = associationPairOf(event);
  if (!pair) return null;
  if (pair.from === 'contact' && CONTACT_LINKED_OBJECTS.has(pair.to)) return String(pair.fromObjectId);
  if (pair.to === 'contact' && CONTACT_LINKED_OBJECTS.has(pair.from)) return String(pair.toObjectId);
  return null;
}

function sourceOf(event: WebhookEvent): string | null {
  if (event.sourceId && event.changeSource) return `${event.changeSource} ${event.sourceId}`;
  return event.sourceId ?? event.changeSource ?? null;
}
