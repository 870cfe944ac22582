import { COMPANY_ID_BASE, MAX_SURVEYS_PER_CONTACT, SURVEY_ID_BASE } from './account-generator';
import { AccountLinks, type CompanyLink } from './account-links';
import {
  type ChangeEvent,
  type ChangeOrigin,
  OBJECT_KINDS,
  type ObjectKind,
  ObjectNotFoundError,
  PropertyValidationError,
  SINGULAR,
  type StoredObject,
} from './portal-objects';
import { TicketLinks } from './ticket-links';
import {
  CONTACT_ID_BASE,
  MAX_TICKETS_PER_CONTACT,
  TICKET_ID_BASE,
  generatePortal,
  type GeneratedPortal,
  type PlantedGroup,
} from './generator';
import {
  builtinCompanyGroups,
  builtinCompanyProperties,
  builtinContactGroups,
  builtinContactProperties,
  builtinFeedbackSubmissionProperties,
  builtinTicketProperties,
  type PropertyDefinition,
  type PropertyGroup,
} from './property-definitions';

/**
 * One sandbox portal's data: the lazily generated base portal plus overlays holding only what
 * changed (edits, creations, archivals, association changes). Memory grows with the number of
 * changes, never with the size of the portal.
 */

export {
  type ChangeEvent,
  type ChangeOrigin,
  OBJECT_KINDS,
  type ObjectKind,
  ObjectNotFoundError,
  PropertyValidationError,
  SINGULAR,
  type StoredObject,
} from './portal-objects';

// HubSpot offers no webhook subscription for feedback submissions: new responses reach apps by polling.
const WEBHOOK_KINDS: ReadonlySet<ObjectKind> = new Set(['contacts', 'tickets', 'companies']);

/** One object update as the sandbox received it: what it changed, and what it set to the value already held. */
export interface WriteRecord {
  readonly kind: ObjectKind;
  readonly id: string;
  readonly changeSource: string;
  readonly changed: Readonly<Record<string, string | null>>;
  readonly unchanged: readonly string[];
}

interface Overlay {
  edits: Map<string, { properties: Record<string, string | null>; updatedAt: number }>;
  created: Map<string, StoredObject>;
  archived: Map<string, { archivedAt: number; permanent: boolean }>;
}

// Properties HubSpot maintains itself: a write to them through the API is ignored, not an error.
const SYSTEM_PROPERTIES = new Set(['hs_object_id', 'createdate', 'lastmodifieddate', 'hs_lastmodifieddate']);

export interface PortalStoreOptions {
  portalId: number;
  contacts: number;
  seed: number;
  hubDomain: string;
  clock: () => number;
  referenceTime: number;
  emit: (event: ChangeEvent) => void;
}

export class PortalStore {
  readonly portalId: number;
  readonly hubDomain: string;
  readonly base: GeneratedPortal;
  private readonly clock: () => number;
  private readonly emit: (event: ChangeEvent) => void;
  private readonly overlays: Record<ObjectKind, Overlay> = {
    contacts: { edits: new Map(), created: new Map(), archived: new Map() },
    tickets: { edits: new Map(), created: new Map(), archived: new Map() },
    companies: { edits: new Map(), created: new Map(), archived: new Map() },
    feedback_submissions: { edits: new Map(), created: new Map(), archived: new Map() },
  };
  readonly links: AccountLinks;
  private readonly ticketLinks: TicketLinks;
  /** Every update, in order (tests check that an app never rewrites what HubSpot already holds). */
  readonly writes: WriteRecord[] = [];
  private readonly nextId: Record<ObjectKind, number>;
  private lastStamp = 0;
  readonly properties: Record<ObjectKind, Map<string, PropertyDefinition>>;
  /** Contact property groups (kept as its own field: most callers only know contacts). */
  readonly groups = new Map<string, PropertyGroup>();
  readonly groupsOf: Record<ObjectKind, Map<string, PropertyGroup>>;

  constructor(options: PortalStoreOptions) {
    this.portalId = options.portalId;
    this.hubDomain = options.hubDomain;
    this.clock = options.clock;
    this.emit = options.emit;
    this.base = generatePortal({ seed: options.seed, contacts: options.contacts, referenceTime: options.referenceTime });
    this.nextId = {
      contacts: CONTACT_ID_BASE + options.contacts + 1000,
      tickets: TICKET_ID_BASE + options.contacts * MAX_TICKETS_PER_CONTACT + 1000,
      companies: COMPANY_ID_BASE + this.base.accounts.companies + 1000,
      feedback_submissions: SURVEY_ID_BASE + options.contacts * MAX_SURVEYS_PER_CONTACT + 1000,
    };
    this.properties = {
      contacts: new Map(builtinContactProperties().map((p) => [p.name, p])),
      tickets: new Map(builtinTicketProperties().map((p) => [p.name, p])),
      companies: new Map(builtinCompanyProperties().map((p) => [p.name, p])),
      feedback_submissions: new Map(builtinFeedbackSubmissionProperties().map((p) => [p.name, p])),
    };
    for (const g of builtinContactGroups()) this.groups.set(g.name, g);
    this.groupsOf = {
      contacts: this.groups,
      tickets: new Map(),
      companies: new Map(builtinCompanyGroups().map((g) => [g.name, g])),
      feedback_submissions: new Map(),
    };
    this.links = new AccountLinks(this.base, (id) => this.overlays.contacts.created.has(id));
    this.ticketLinks = new TicketLinks(this.base, (kind, id) => this.overlays[kind].created.has(id));
  }

  /** Strictly increasing timestamps, so lastmodifieddate advances on every change even under a frozen clock. */
  private stamp(): number {
    this.lastStamp = Math.max(this.clock(), this.lastStamp + 1);
    return this.lastStamp;
  }

  // ---------- reading ----------

  private baseObject(kind: ObjectKind, id: string): StoredObject | undefined {
    if (kind === 'contacts') {
      const index = this.base.indexOfContactId(id);
      if (index === undefined) return undefined;
      const c = this.base.contactAt(index);
      return { id, properties: c.properties, createdAt: c.createdAt, updatedAt: c.updatedAt, archived: false };
    }
    if (kind === 'companies') {
      const index = this.base.accounts.indexOfCompanyId(id);
      if (index === undefined) return undefined;
      const c = this.base.accounts.companyAt(index);
      return { id, properties: c.properties, createdAt: c.createdAt, updatedAt: c.updatedAt, archived: false };
    }
    if (kind === 'feedback_submissions') {
      const survey = this.base.accounts.surveyById(id);
      return survey && { id, properties: survey.properties, createdAt: survey.createdAt, updatedAt: survey.createdAt, archived: false };
    }
    const t = this.base.ticketById(id);
    if (!t) return undefined;
    const updated = Date.parse(t.properties.hs_lastmodifieddate ?? '') || t.createdAt;
    return { id, properties: t.properties, createdAt: t.createdAt, updatedAt: updated, archived: false };
  }

  /** The object including archived ones (for archived listings and restore). */
  getAny(kind: ObjectKind, id: string): StoredObject | undefined {
    const overlay = this.overlays[kind];
    const archived = overlay.archived.get(id);
    if (archived?.permanent) return undefined;
    const created = overlay.created.get(id);
    const found = created ? { ...created, properties: { ...created.properties } } : this.baseObject(kind, id);
    if (!found) return undefined;
    const edit = overlay.edits.get(id);
    const result: StoredObject = edit
      ? { ...found, properties: { ...found.properties, ...edit.properties }, updatedAt: edit.updatedAt }
      : found;
    if (archived) return { ...result, archived: true, archivedAt: archived.archivedAt };
    return result;
  }

  get(kind: ObjectKind, id: string): StoredObject | undefined {
    const o = this.getAny(kind, id);
    return o && !o.archived ? o : undefined;
  }

  /**
   * Live (or archived) objects in id order starting at id `fromId` (inclusive). Base objects are
   * generated as the iteration reaches them.
   */
  *iterate(kind: ObjectKind, options: { fromId?: string; archived?: boolean } = {}): Generator<StoredObject> {
    const wantArchived = options.archived === true;
    const from = options.fromId !== undefined && /^\d+$/.test(options.fromId) ? Number(options.fromId) : 0;
    const overlay = this.overlays[kind];
    if (wantArchived) {
      const ids = [...overlay.archived.entries()]
        .filter(([, a]) => !a.permanent)
        .map(([id]) => id)
        .filter((id) => Number(id) >= from)
        .sort((a, b) => Number(a) - Number(b));
      for (const id of ids) {
        const o = this.getAny(kind, id);
        if (o) yield o;
      }
      return;
    }
    if (kind === 'contacts') {
      const start = Math.max(0, from - CONTACT_ID_BASE);
      for (let i = start; i < this.base.contacts; i++) {
        const id = this.base.contactIdAt(i);
        if (overlay.archived.has(id)) continue;
        const o = this.get(kind, id);
        if (o) yield o;
      }
    } else if (kind === 'companies') {
      for (let j = Math.max(0, from - COMPANY_ID_BASE); j < this.base.accounts.companies; j++) {
        const id = this.base.accounts.companyIdAt(j);
        if (overlay.archived.has(id)) continue;
        const o = this.get(kind, id);
        if (o) yield o;
      }
    } else if (kind === 'feedback_submissions') {
      const startIndex = Math.floor(Math.max(0, from - SURVEY_ID_BASE) / MAX_SURVEYS_PER_CONTACT);
      for (let i = startIndex; i < this.base.contacts; i++) {
        for (const survey of this.base.accounts.surveysOfContact(i)) {
          if (Number(survey.id) < from || overlay.archived.has(survey.id)) continue;
          const o = this.get(kind, survey.id);
          if (o) yield o;
        }
      }
    } else {
      const offset = Math.max(0, from - TICKET_ID_BASE);
      const startIndex = Math.floor(offset / MAX_TICKETS_PER_CONTACT);
      for (let i = startIndex; i < this.base.contacts; i++) {
        const count = this.base.ticketCountOf(i);
        for (let j = 0; j < count; j++) {
          const id = String(TICKET_ID_BASE + i * MAX_TICKETS_PER_CONTACT + j);
          if (Number(id) < from || overlay.archived.has(id)) continue;
          const o = this.get(kind, id);
          if (o) yield o;
        }
      }
    }
    const created = [...overlay.created.keys()].filter((id) => Number(id) >= from).sort((a, b) => Number(a) - Number(b));
    for (const id of created) {
      const o = this.get(kind, id);
      if (o) yield o;
    }
  }

  ticketIdsOfContact(contactId: string): string[] {
    return this.ticketLinks
      .ticketsOfContact(contactId)
      .filter((tid) => this.get('tickets', tid) !== undefined)
      .sort((a, b) => Number(a) - Number(b));
  }

  contactIdsOfTicket(ticketId: string): string[] {
    return this.ticketLinks
      .contactsOfTicket(ticketId)
      .filter((cid) => this.get('contacts', cid) !== undefined)
      .sort((a, b) => Number(a) - Number(b));
  }

  isAssociated(contactId: string, ticketId: string): boolean {
    return this.ticketIdsOfContact(contactId).includes(ticketId);
  }

  plantedGroupOf(contactId: string): PlantedGroup | undefined {
    const index = this.base.indexOfContactId(contactId);
    return index === undefined || this.overlays.contacts.created.has(contactId) ? undefined : this.base.plantedGroupOf(index);
  }

  // ---------- writing ----------

  validate(kind: ObjectKind, props: Record<string, unknown>): Record<string, string | null> {
    const problems: { name: string; error: string; message: string }[] = [];
    const clean: Record<string, string | null> = {};
    for (const [name, raw] of Object.entries(props)) {
      const def = this.properties[kind].get(name);
      if (!def) {
        problems.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
        continue;
      }
      if (SYSTEM_PROPERTIES.has(name)) continue;
      const value = raw === null || raw === undefined ? null : String(raw);
      if (value !== null && value !== '' && def.type === 'enumeration' && def.options.length > 0) {
        const allowed = new Set(def.options.map((o) => o.value));
        const parts = def.fieldType === 'checkbox' ? value.split(';').filter(Boolean) : [value];
        const bad = parts.find((p) => !allowed.has(p));
        if (bad !== undefined) {
          problems.push({
            name,
            error: 'INVALID_OPTION',
            message: `${bad} was not one of the allowed options: [${[...allowed].join(', ')}]`,
          });
          continue;
        }
      }
      if (value !== null && value !== '' && def.type === 'number' && !Number.isFinite(Number(value))) {
        problems.push({ name, error: 'INVALID_LONG', message: `${value} is not a valid number` });
        continue;
      }
      // HubSpot stores "" as "no value".
      clean[name] = value === '' ? null : value;
    }
    if (problems.length > 0) throw new PropertyValidationError(problems);
    return clean;
  }

  update(kind: ObjectKind, id: string, props: Record<string, string | null>, origin: ChangeOrigin): StoredObject {
    const current = this.get(kind, id);
    if (!current) throw new ObjectNotFoundError(kind, id);
    const changed = Object.entries(props).filter(([name, value]) => (current.properties[name] ?? null) !== value);
    const unchanged = Object.keys(props).filter(
      (name) => !SYSTEM_PROPERTIES.has(name) && (current.properties[name] ?? null) === props[name],
    );
    this.writes.push({ kind, id, changeSource: origin.changeSource, changed: Object.fromEntries(changed), unchanged });
    if (changed.length === 0) return current;
    const overlay = this.overlays[kind];
    const at = this.stamp();
    const edit = overlay.edits.get(id) ?? { properties: {}, updatedAt: at };
    for (const [name, value] of changed) edit.properties[name] = value;
    const modified = new Date(at).toISOString();
    edit.properties.hs_lastmodifieddate = modified;
    if (kind === 'contacts') edit.properties.lastmodifieddate = modified;
    edit.updatedAt = at;
    overlay.edits.set(id, edit);
    if (!WEBHOOK_KINDS.has(kind)) return this.get(kind, id)!;
    const type = SINGULAR[kind];
    for (const [name, value] of changed) {
      this.emit({
        subscriptionType: `${type}.propertyChange`,
        objectId: Number(id),
        propertyName: name,
        propertyValue: value ?? '',
        ...origin,
      });
    }
    return this.get(kind, id)!;
  }

  create(kind: ObjectKind, props: Record<string, string | null>, origin: ChangeOrigin): StoredObject {
    const at = this.stamp();
    const id = String(this.nextId[kind]++);
    const stamp = new Date(at).toISOString();
    const properties: Record<string, string | null> = { ...props, hs_object_id: id, hs_lastmodifieddate: stamp };
    if (kind === 'feedback_submissions') properties.hs_createdate = stamp;
    else properties.createdate = stamp;
    if (kind === 'contacts') properties.lastmodifieddate = stamp;
    if (kind === 'tickets') {
      properties.hs_pipeline ??= '0';
      properties.hs_pipeline_stage ??= '1';
    }
    this.overlays[kind].created.set(id, { id, properties, createdAt: at, updatedAt: at, archived: false });
    if (!WEBHOOK_KINDS.has(kind)) return this.get(kind, id)!;
    const type = SINGULAR[kind];
    this.emit({ subscriptionType: `${type}.creation`, objectId: Number(id), ...origin });
    for (const [name, value] of Object.entries(props)) {
      if (value !== null)
        this.emit({
          subscriptionType: `${type}.propertyChange`,
          objectId: Number(id),
          propertyName: name,
          propertyValue: value,
          ...origin,
        });
    }
    return this.get(kind, id)!;
  }

  archive(kind: ObjectKind, id: string, origin: ChangeOrigin): void {
    if (!this.get(kind, id)) throw new ObjectNotFoundError(kind, id);
    this.overlays[kind].archived.set(id, { archivedAt: this.stamp(), permanent: false });
    if (WEBHOOK_KINDS.has(kind)) this.emit({ subscriptionType: `${SINGULAR[kind]}.deletion`, objectId: Number(id), ...origin });
  }

  /** GDPR deletion: gone for good (cannot be restored), and HubSpot sends both events. */
  privacyDelete(contactId: string, origin: ChangeOrigin): void {
    if (!this.getAny('contacts', contactId)) throw new ObjectNotFoundError('contacts', contactId);
    this.overlays.contacts.archived.set(contactId, { archivedAt: this.stamp(), permanent: true });
    this.overlays.contacts.edits.delete(contactId);
    this.emit({ subscriptionType: 'contact.privacyDeletion', objectId: Number(contactId), ...origin });
    this.emit({ subscriptionType: 'contact.deletion', objectId: Number(contactId), ...origin });
  }

  restore(kind: ObjectKind, id: string, origin: ChangeOrigin): StoredObject {
    const archived = this.overlays[kind].archived.get(id);
    if (!archived || archived.permanent) throw new ObjectNotFoundError(kind, id);
    this.overlays[kind].archived.delete(id);
    this.stamp();
    if (WEBHOOK_KINDS.has(kind)) this.emit({ subscriptionType: `${SINGULAR[kind]}.restore`, objectId: Number(id), ...origin });
    return this.get(kind, id)!;
  }

  /**
   * Merges `mergedId` into `primaryId`: the primary keeps its values and takes the merged
   * contact's values where it has none; the merged contact's tickets move to the primary.
   */
  merge(primaryId: string, mergedId: string, origin: ChangeOrigin): StoredObject {
    const primary = this.get('contacts', primaryId);
    const merged = this.get('contacts', mergedId);
    if (!primary) throw new ObjectNotFoundError('contacts', primaryId);
    if (!merged || primaryId === mergedId) throw new ObjectNotFoundError('contacts', mergedId);
    const moved: Record<string, string | null> = {};
    for (const [name, value] of Object.entries(merged.properties)) {
      if (SYSTEM_PROPERTIES.has(name) || value === null || value === '') continue;
      if (primary.properties[name] === null || primary.properties[name] === undefined || primary.properties[name] === '')
        moved[name] = value;
    }
    const at = this.stamp();
    const edit = this.overlays.contacts.edits.get(primaryId) ?? { properties: {}, updatedAt: at };
    Object.assign(edit.properties, moved);
    edit.properties.lastmodifieddate = new Date(at).toISOString();
    edit.properties.hs_lastmodifieddate = edit.properties.lastmodifieddate;
    edit.updatedAt = at;
    this.overlays.contacts.edits.set(primaryId, edit);
    for (const tid of this.ticketIdsOfContact(mergedId)) {
      this.ticketLinks.remove(mergedId, tid);
      this.ticketLinks.add(primaryId, tid);
    }
    // The merged contact's companies and survey responses move too; the primary keeps its own primary company.
    const keepPrimary = this.links.primaryCompanyOf(primaryId);
    for (const { companyId, primary } of this.links.companiesOfContact(mergedId)) {
      this.links.removeCompany(mergedId, companyId);
      this.links.addCompany(primaryId, companyId, primary && keepPrimary === null);
    }
    for (const surveyId of this.links.surveyIdsOfContact(mergedId)) this.links.linkSurvey(surveyId, primaryId);
    this.overlays.contacts.archived.set(mergedId, { archivedAt: at, permanent: true });
    this.emit({
      subscriptionType: 'contact.merge',
      objectId: Number(primaryId),
      primaryObjectId: Number(primaryId),
      mergedObjectIds: [Number(mergedId)],
      newObjectId: Number(primaryId),
      numberOfPropertiesMoved: Object.keys(moved).length,
      ...origin,
    });
    return this.get('contacts', primaryId)!;
  }

  associate(contactId: string, ticketId: string, origin: ChangeOrigin): boolean {
    if (!this.get('contacts', contactId)) throw new ObjectNotFoundError('contacts', contactId);
    if (!this.get('tickets', ticketId)) throw new ObjectNotFoundError('tickets', ticketId);
    if (this.isAssociated(contactId, ticketId)) return false;
    this.ticketLinks.add(contactId, ticketId);
    this.emitAssociationChange(contactId, ticketId, false, origin);
    return true;
  }

  unassociate(contactId: string, ticketId: string, origin: ChangeOrigin): boolean {
    if (!this.isAssociated(contactId, ticketId)) return false;
    this.ticketLinks.remove(contactId, ticketId);
    this.emitAssociationChange(contactId, ticketId, true, origin);
    return true;
  }

  /**
   * HubSpot reports a link between two object types once from each side, with exactly the
   * documented fields: the type, both ids, removed and primary flags, and no `objectId`.
   */
  private emitAssociationChange(contactId: string, ticketId: string, removed: boolean, origin: ChangeOrigin): void {
    const flags = { associationRemoved: removed, isPrimaryAssociation: false, ...origin };
    this.emit({
      subscriptionType: 'contact.associationChange',
      associationType: 'CONTACT_TO_TICKET',
      fromObjectId: Number(contactId),
      toObjectId: Number(ticketId),
      ...flags,
    });
    this.emit({
      subscriptionType: 'ticket.associationChange',
      associationType: 'TICKET_TO_CONTACT',
      fromObjectId: Number(ticketId),
      toObjectId: Number(contactId),
      ...flags,
    });
  }

  // ---------- companies and survey responses ----------

  companyLinksOfContact(contactId: string): CompanyLink[] {
    return this.links.companiesOfContact(contactId).filter((link) => this.get('companies', link.companyId) !== undefined);
  }

  contactIdsOfCompany(companyId: string): string[] {
    return this.links.contactsOfCompany(companyId).filter((id) => this.get('contacts', id) !== undefined);
  }

  surveyIdsOfContact(contactId: string): string[] {
    return this.links.surveyIdsOfContact(contactId).filter((id) => this.get('feedback_submissions', id) !== undefined);
  }

  contactIdsOfSurvey(surveyId: string): string[] {
    const contactId = this.links.contactOfSurvey(surveyId);
    return contactId !== undefined && this.get('contacts', contactId) ? [contactId] : [];
  }

  /**
   * Associates a contact with a company; `primary` moves the Primary label to it (the previous
   * primary company stays associated without the label) and sets `associatedcompanyid`, as
   * HubSpot does. Returns false when nothing changed.
   */
  associateCompany(contactId: string, companyId: string, primary: boolean, origin: ChangeOrigin): boolean {
    if (!this.get('contacts', contactId)) throw new ObjectNotFoundError('contacts', contactId);
    if (!this.get('companies', companyId)) throw new ObjectNotFoundError('companies', companyId);
    const wasAssociated = this.links.isAssociatedWithCompany(contactId, companyId);
    const wasPrimary = this.links.primaryCompanyOf(contactId) === companyId;
    if (wasAssociated && (wasPrimary || !primary)) return false;
    this.links.addCompany(contactId, companyId, primary);
    this.emitCompanyAssociation(contactId, companyId, false, primary, origin);
    if (primary) this.update('contacts', contactId, { associatedcompanyid: companyId }, origin);
    return true;
  }

  unassociateCompany(contactId: string, companyId: string, origin: ChangeOrigin): boolean {
    if (!this.links.isAssociatedWithCompany(contactId, companyId)) return false;
    const wasPrimary = this.links.primaryCompanyOf(contactId) === companyId;
    this.links.removeCompany(contactId, companyId);
    this.emitCompanyAssociation(contactId, companyId, true, wasPrimary, origin);
    if (wasPrimary && this.get('contacts', contactId)) this.update('contacts', contactId, { associatedcompanyid: null }, origin);
    return true;
  }

  /** A customer answers a survey: a new feedback submission associated with the contact (no webhook exists for it). */
  addSurveyResponse(contactId: string, props: Record<string, string | null>, origin: ChangeOrigin): StoredObject {
    if (!this.get('contacts', contactId)) throw new ObjectNotFoundError('contacts', contactId);
    const created = this.create('feedback_submissions', props, origin);
    this.links.linkSurvey(created.id, contactId);
    return created;
  }

  // Both directions, with the documented fields only (no `objectId`), as for tickets.
  private emitCompanyAssociation(contactId: string, companyId: string, removed: boolean, primary: boolean, origin: ChangeOrigin): void {
    const common = { associationRemoved: removed, isPrimaryAssociation: primary, ...origin };
    this.emit({
      subscriptionType: 'contact.associationChange',
      associationType: 'CONTACT_TO_COMPANY',
      fromObjectId: Number(contactId),
      toObjectId: Number(companyId),
      ...common,
    });
    this.emit({
      subscriptionType: 'company.associationChange',
      associationType: 'COMPANY_TO_CONTACT',
      fromObjectId: Number(companyId),
      toObjectId: Number(contactId),
      ...common,
    });
  }

  /** Rough count of overlay entries: what the portal holds beyond the generator. */
  overlaySize(): number {
    const o = (k: ObjectKind) => this.overlays[k].edits.size + this.overlays[k].created.size + this.overlays[k].archived.size;
    return OBJECT_KINDS.reduce((sum, kind) => sum + o(kind), 0) + this.ticketLinks.size() + this.links.size();
  }
}
