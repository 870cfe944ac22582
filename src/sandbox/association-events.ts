import type { ChangeEvent, ChangeOrigin } from './portal-objects';

/**
 * HubSpot reports a link between two object types once from each side, with exactly the
 * documented fields: the type, both ids, removed and primary flags, and no `objectId`.
 */
export function ticketAssociationEvents(contactId: string, ticketId: string, removed: boolean, origin: ChangeOrigin): ChangeEvent[] {
  const flags = { associationRemoved: removed, isPrimaryAssociation: false, ...origin };
  return [
    {
      subscriptionType: 'contact.associationChange',
      associationType: 'CONTACT_TO_TICKET',
      fromObjectId: Number(contactId),
      toObjectId: Number(ticketId),
      ...flags,
    },
    {
      subscriptionType: 'ticket.associationChange',
      associationType: 'TICKET_TO_CONTACT',
      fromObjectId: Number(ticketId),
      toObjectId: Number(contactId),
      ...flags,
    },
  ];
}

/** Both directions of a contact–company link, as for tickets; `primary` says whether it carries the Primary label. */
export function companyAssociationEvents(
  contactId: string,
  companyId: string,
  removed: boolean,
  primary: boolean,
  origin: ChangeOrigin,
): ChangeEvent[] {
  const common = { associationRemoved: removed, isPrimaryAssociation: primary, ...origin };
  return [
    {
      subscriptionType: 'contact.associationChange',
      associationType: 'CONTACT_TO_COMPANY',
      fromObjectId: Number(contactId),
      toObjectId: Number(companyId),
      ...common,
    },
    {
      subscriptionType: 'company.associationChange',
      associationType: 'COMPANY_TO_CONTACT',
      fromObjectId: Number(companyId),
      toObjectId: Number(contactId),
      ...common,
    },
  ];
}
