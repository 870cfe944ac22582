/**
 * Our own model of the HubSpot records the app works with. HubSpot sends every property value
 * as a string (or null); we keep them that way and let the engine interpret them per docs/rule-language.md, Conditions ("Values, precisely").
 */
export type PortalId = number;

export type PropertyBag = Readonly<Record<string, string | null | undefined>>;

export interface Ticket {
  readonly id: string;
  readonly properties: PropertyBag;
}

export interface Contact {
  readonly id: string;
  readonly properties: PropertyBag;
}

/** What the engine evaluates: a contact and the tickets associated with it. */
export interface ContactWithTickets {
  readonly properties: PropertyBag;
  readonly tickets: readonly { readonly properties: PropertyBag }[];
}
