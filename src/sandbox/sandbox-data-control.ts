import type { PlantedGroup } from './generator';
import { ObjectNotFoundError, type ChangeOrigin, type PortalStore, type StoredObject } from './portal-store';

/**
 * Edits a person (or a test) makes in the sandbox portal, as if in HubSpot's UI: they go through
 * the same store as API writes, so they emit the same webhooks, but default to changeSource CRM.
 */

export interface EditOptions {
  changeSource?: string;
  sourceId?: string;
}

export interface SandboxObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface SandboxDataControl {
  getContact(portalId: number, contactId: string): SandboxObject | undefined;
  getTicket(portalId: number, ticketId: string): SandboxObject | undefined;
  ticketIdsOfContact(portalId: number, contactId: string): string[];
  updateContact(portalId: number, contactId: string, properties: Record<string, string | null>, options?: EditOptions): SandboxObject;
  createContact(portalId: number, properties: Record<string, string | null>, options?: EditOptions): SandboxObject;
  deleteContact(portalId: number, contactId: string, options?: EditOptions): void;
  privacyDelete(portalId: number, contactId: string, options?: EditOptions): void;
  mergeContacts(portalId: number, primaryId: string, mergedId: string, options?: EditOptions): SandboxObject;
  restoreContact(portalId: number, contactId: string, options?: EditOptions): SandboxObject;
  createTicket(portalId: number, properties: Record<string, string | null>, contactIds: string[], options?: EditOptions): SandboxObject;
  updateTicket(portalId: number, ticketId: string, properties: Record<string, string | null>, options?: EditOptions): SandboxObject;
  deleteTicket(portalId: number, ticketId: string, options?: EditOptions): void;
  associate(portalId: number, contactId: string, ticketId: string, options?: EditOptions): boolean;
  unassociate(portalId: number, contactId: string, ticketId: string, options?: EditOptions): boolean;
  getCompany(portalId: number, companyId: string): SandboxObject | undefined;
  updateCompany(portalId: number, companyId: string, properties: Record<string, string | null>, options?: EditOptions): SandboxObject;
  createCompany(portalId: number, properties: Record<string, string | null>, options?: EditOptions): SandboxObject;
  deleteCompany(portalId: number, companyId: string, options?: EditOptions): void;
  /** The contact's companies, the primary one flagged. */
  companiesOfContact(portalId: number, contactId: string): { companyId: string; primary: boolean }[];
  contactIdsOfCompany(portalId: number, companyId: string): string[];
  /** Associates a contact with a company; `primary` moves the Primary label there. False when nothing changed. */
  associateCompany(portalId: number, contactId: string, companyId: string, primary: boolean, options?: EditOptions): boolean;
  unassociateCompany(portalId: number, contactId: string, companyId: string, options?: EditOptions): boolean;
  surveyIdsOfContact(portalId: number, contactId: string): string[];
  getSurveyResponse(portalId: number, surveyId: string): SandboxObject | undefined;
  /** A customer answers a survey (HubSpot sends no webhook for it). */
  addSurveyResponse(portalId: number, contactId: string, properties: Record<string, string | null>, options?: EditOptions): SandboxObject;
  /** The planted group the generator put this contact in (undefined for contacts created later). */
  groundTruth(portalId: number, contactId: string): PlantedGroup | undefined;
  /** In-process access to a portal's store (benchmarks and bulk assertions). */
  store(portalId: number): PortalStore;
}

export const DEFAULT_SANDBOX_USER_ID = 7_000_001;

function view(o: StoredObject): SandboxObject {
  return {
    id: o.id,
    properties: { ...o.properties },
    createdAt: new Date(o.createdAt).toISOString(),
    updatedAt: new Date(o.updatedAt).toISOString(),
    archived: o.archived,
  };
}

export function createSandboxDataControl(stores: ReadonlyMap<number, PortalStore>): SandboxDataControl {
  const store = (portalId: number): PortalStore => {
    const s = stores.get(portalId);
    if (!s) throw new RangeError(`portal ${portalId} does not exist in this sandbox`);
    return s;
  };
  const origin = (o: EditOptions = {}): ChangeOrigin => ({
    changeSource: o.changeSource ?? 'CRM',
    sourceId: o.sourceId ?? (o.changeSource === undefined || o.changeSource === 'CRM' ? `userId:${DEFAULT_SANDBOX_USER_ID}` : undefined),
  });
  return {
    store,
    getContact: (p, id) => {
      const o = store(p).get('contacts', id);
      return o && view(o);
    },
    getTicket: (p, id) => {
      const o = store(p).get('tickets', id);
      return o && view(o);
    },
    ticketIdsOfContact: (p, id) => store(p).ticketIdsOfContact(id),
    updateContact: (p, id, props, o) => {
      const s = store(p);
      return view(s.update('contacts', id, s.validate('contacts', props), origin(o)));
    },
    createContact: (p, props, o) => {
      const s = store(p);
      return view(s.create('contacts', s.validate('contacts', props), origin(o)));
    },
    deleteContact: (p, id, o) => store(p).archive('contacts', id, origin(o)),
    privacyDelete: (p, id, o) => store(p).privacyDelete(id, origin(o)),
    mergeContacts: (p, primary, merged, o) => view(store(p).merge(primary, merged, origin(o))),
    restoreContact: (p, id, o) => view(store(p).restore('contacts', id, origin(o))),
    createTicket: (p, props, contactIds, o) => {
      const s = store(p);
      for (const cid of contactIds) if (!s.get('contacts', cid)) throw new ObjectNotFoundError('contacts', cid);
      const ticket = s.create('tickets', s.validate('tickets', props), origin(o));
      for (const cid of contactIds) s.associate(cid, ticket.id, origin(o));
      return view(ticket);
    },
    updateTicket: (p, id, props, o) => {
      const s = store(p);
      return view(s.update('tickets', id, s.validate('tickets', props), origin(o)));
    },
    deleteTicket: (p, id, o) => store(p).archive('tickets', id, origin(o)),
    associate: (p, c, t, o) => store(p).associate(c, t, origin(o)),
    unassociate: (p, c, t, o) => store(p).unassociate(c, t, origin(o)),
    groundTruth: (p, id) => store(p).plantedGroupOf(id),
    getCompany: (p, id) => {
      const o = store(p).get('companies', id);
      return o && view(o);
    },
    updateCompany: (p, id, props, o) => {
      const s = store(p);
      return view(s.update('companies', id, s.validate('companies', props), origin(o)));
    },
    createCompany: (p, props, o) => {
      const s = store(p);
      return view(s.create('companies', s.validate('companies', props), origin(o)));
    },
    deleteCompany: (p, id, o) => store(p).archive('companies', id, origin(o)),
    companiesOfContact: (p, id) => store(p).companyLinksOfContact(id),
    contactIdsOfCompany: (p, id) => store(p).contactIdsOfCompany(id),
    associateCompany: (p, c, company, primary, o) => store(p).associateCompany(c, company, primary, origin(o)),
    unassociateCompany: (p, c, company, o) => store(p).unassociateCompany(c, company, origin(o)),
    surveyIdsOfContact: (p, id) => store(p).surveyIdsOfContact(id),
    getSurveyResponse: (p, id) => {
      const o = store(p).get('feedback_submissions', id);
      return o && view(o);
    },
    addSurveyResponse: (p, c, props, o) => {
      const s = store(p);
      return view(s.addSurveyResponse(c, s.validate('feedback_submissions', props), origin(o)));
    },
  };
}
