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

export interface Company {
  readonly id: string;
  readonly properties: PropertyBag;
}

/** A HubSpot feedback submission (NPS, CSAT, CES or custom survey answer). */
export interface SurveyResponse {
  readonly id: string;
  readonly properties: PropertyBag;
}

/**
 * What the engine evaluates: a contact, the tickets and survey responses associated with it, and
 * its primary company. `company` is null (or absent) when the contact has no primary company or
 * the app does not know that company yet; `surveys` is absent when the portal did not grant the
 * feedback-submissions scope, which reads as no responses.
 */
export interface ContactWithTickets {
  readonly properties: PropertyBag;
  readonly tickets: readonly { readonly properties: PropertyBag }[];
  readonly company?: { readonly properties: PropertyBag } | null;
  readonly surveys?: readonly { readonly properties: PropertyBag }[];
}
