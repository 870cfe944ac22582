import { MAX_TICKETS_PER_CONTACT, TICKET_ID_BASE, type GeneratedPortal } from './generator';

function pairKey(contactId: string, ticketId: string): string {
  return `${contactId}:${ticketId}`;
}

/**
 * Contact–ticket links of one sandbox portal: the generator's links, minus the ones removed, plus
 * the ones added since. Only changes are kept. Lists name every linked id, whether or not the
 * record still exists: the store filters out archived ones.
 */
export class TicketLinks {
  private readonly added = new Set<string>();
  private readonly removed = new Set<string>();
  private readonly addedByContact = new Map<string, Set<string>>();
  private readonly addedByTicket = new Map<string, Set<string>>();

  /** `created(kind, id)`: the record was created in the sandbox, so it has no generated links. */
  constructor(
    private readonly base: GeneratedPortal,
    private readonly created: (kind: 'contacts' | 'tickets', id: string) => boolean,
  ) {}

  ticketsOfContact(contactId: string): string[] {
    const ids: string[] = [];
    const index = this.base.indexOfContactId(contactId);
    if (index !== undefined && !this.created('contacts', contactId)) {
      const count = this.base.ticketCountOf(index);
      for (let j = 0; j < count; j++) {
        const tid = String(TICKET_ID_BASE + index * MAX_TICKETS_PER_CONTACT + j);
        if (!this.removed.has(pairKey(contactId, tid))) ids.push(tid);
      }
    }
    for (const tid of this.addedByContact.get(contactId) ?? []) if (!ids.includes(tid)) ids.push(tid);
    return ids;
  }

  contactsOfTicket(ticketId: string): string[] {
    const ids: string[] = [];
    const base = this.base.ticketById(ticketId);
    if (base && !this.created('tickets', ticketId)) {
      const cid = this.base.contactIdAt(base.contactIndex);
      if (!this.removed.has(pairKey(cid, ticketId))) ids.push(cid);
    }
    for (const cid of this.addedByTicket.get(ticketId) ?? []) if (!ids.includes(cid)) ids.push(cid);
    return ids;
  }

  add(contactId: string, ticketId: string): void {
    const key = pairKey(contactId, ticketId);
    this.removed.delete(key);
    this.added.add(key);
    if (!this.addedByContact.has(contactId)) this.addedByContact.set(contactId, new Set());
    this.addedByContact.get(contactId)!.add(ticketId);
    if (!this.addedByTicket.has(ticketId)) this.addedByTicket.set(ticketId, new Set());
    this.addedByTicket.get(ticketId)!.add(contactId);
  }

  remove(contactId: string, ticketId: string): void {
    const key = pairKey(contactId, ticketId);
    this.added.delete(key);
    this.removed.add(key);
    this.addedByContact.get(contactId)?.delete(ticketId);
    this.addedByTicket.get(ticketId)?.delete(contactId);
  }

  /** Changes kept: links added plus generated links removed. */
  size(): number {
    return this.added.size + this.removed.size;
  }
}
