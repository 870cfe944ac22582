import { COMPANY_ID_BASE, MAX_SURVEYS_PER_CONTACT, SURVEY_ID_BASE } from './account-generator';
import { AccountLinks, type CompanyLink } from './account-links';
import { companyAssociationEvents, ticketAssociationEvents } from './association-events';
import { OverlaidObjects } from './overlaid-objects';
import { type ChangeEvent, type ChangeOrigin, type ObjectKind, ObjectNotFoundError, SINGULAR, type StoredObject } from './portal-objects';
import { SYSTEM_PROPERTIES, validateProperties } from './property-validation';
import { TicketLinks } from './ticket-links';
import {
  CONTACT_ID_BASE,
  MAX_TICKETS_PER_CONTACT,
  TICKET_ID_BASE,
  generatePortal,
  type GeneratedPortal,
  type PlantedGroup,
} from './generator';
import { builtinDefinitions, type PropertyDefinition, type PropertyGroup } from './property-definitions';

export {
  type ChangeEvent,
  type ChangeOrigin,
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

export interface PortalStoreOptions {
  portalId: number;
  contacts: number;
  seed: number;
  hubDomain: string;
  clock: () => number;
  referenceTime: number;
  emit: (event: ChangeEvent) => void;
}

/**
 * One sandbox portal: its objects (generated, seen through overlays of what changed), their links,
 * property definitions, and the webhook events each change emits.
 */
export class PortalStore {
  readonly portalId: number;
  readonly hubDomain: string;
  readonly base: GeneratedPortal;
  private readonly clock: () => number;
  private readonly emit: (event: ChangeEvent) => void;
  private readonly objects: OverlaidObjects;
  readonly links: AccountLinks;
  private readonly ticketLinks: TicketLinks;
  /** Every update, in order (tests check that an app never rewrites what HubSpot already holds). */
  readonly writes: WriteRecord[] = [];
  private readonly nextId: Record<ObjectKind, number>;
  private lastStamp = 0;
  readonly properties: Record<ObjectKind, Map<string, PropertyDefinition>>;
  /** Contact property groups (kept as its own field: most callers only know contacts). */
  readonly groups: Map<string, PropertyGroup>;
  readonly groupsOf: Record<ObjectKind, Map<string, PropertyGroup>>;

  constructor(options: PortalStoreOptions) {
    this.portalId = options.portalId;
    this.hubDomain = options.hubDomain;
    this.clock = options.clock;
    this.emit = options.emit;
    this.base = generatePortal({ seed: options.seed, contacts: options.contacts, referenceTime: options.referenceTime });
    this.objects = new OverlaidObjects(this.base);
    this.nextId = {
      contacts: CONTACT_ID_BASE + options.contacts + 1000,
      tickets: TICKET_ID_BASE + options.contacts * MAX_TICKETS_PER_CONTACT + 1000,
      companies: COMPANY_ID_BASE + this.base.accounts.companies + 1000,
      feedback_submissions: SURVEY_ID_BASE + options.contacts * MAX_SURVEYS_PER_CONTACT + 1000,
    };
    ({ properties: this.properties, groupsOf: this.groupsOf } = builtinDefinitions());
    this.groups = this.groupsOf.contacts;
    this.links = new AccountLinks(this.base, (id) => this.objects.isCreated('contacts', id));
    this.ticketLinks = new TicketLinks(this.base, (kind, id) => this.objects.isCreated(kind, id));
  }

  /** Strictly increasing timestamps, so lastmodifieddate advances on every change even under a frozen clock. */
  private stamp(): number {
    this.lastStamp = Math.max(this.clock(), this.lastStamp + 1);
    return this.lastStamp;
  }

  // ---------- reading ----------

  /** The object including archived ones (for archived listings and restore). */
  getAny(kind: ObjectKind, id: string): StoredObject | undefined {
    return this.objects.getAny(kind, id);
  }

  get(kind: ObjectKind, id: string): StoredObject | undefined {
    return this.objects.get(kind, id);
  }

  /**
   * Live (or archived) objects in id order starting at id `fromId` (inclusive). Base objects are
   * generated as the iteration reaches them.
   */
  iterate(kind: ObjectKind, options: { fromId?: string; archived?: boolean } = {}): Generator<StoredObject> {
    return this.objects.iterate(kind, options);
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
    return index === undefined || this.objects.isCreated('contacts', contactId) ? undefined : this.base.plantedGroupOf(index);
  }

  // ---------- writing ----------
  validate(kind: ObjectKind, props: Record<string, unknown>): Record<string, string | null> {
    return validateProperties(this.properties[kind], props);
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
    const at = this.stamp();
    const modified = new Date(at).toISOString();
    this.objects.edit(
      kind,
      id,
      { ...Object.fromEntries(changed), hs_lastmodifieddate: modified, ...(kind === 'contacts' ? { lastmodifieddate: modified } : {}) },
      at,
    );
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
    this.objects.add(kind, { id, properties, createdAt: at, updatedAt: at, archived: false });
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
    this.objects.archive(kind, id, this.stamp(), false);
    if (WEBHOOK_KINDS.has(kind)) this.emit({ subscriptionType: `${SINGULAR[kind]}.deletion`, objectId: Number(id), ...origin });
  }

  /** GDPR deletion: gone for good (cannot be restored), and HubSpot sends both events. */
  privacyDelete(contactId: string, origin: ChangeOrigin): void {
    if (!this.getAny('contacts', contactId)) throw new ObjectNotFoundError('contacts', contactId);
    this.objects.archive('contacts', contactId, this.stamp(), true);
    this.emit({ subscriptionType: 'contact.privacyDeletion', objectId: Number(contactId), ...origin });
    this.emit({ subscriptionType: 'contact.deletion', objectId: Number(contactId), ...origin });
  }

  restore(kind: ObjectKind, id: string, origin: ChangeOrigin): StoredObject {
    if (!this.objects.restore(kind, id)) throw new ObjectNotFoundError(kind, id);
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
    const modified = new Date(at).toISOString();
    this.objects.edit('contacts', primaryId, { ...moved, lastmodifieddate: modified, hs_lastmodifieddate: modified }, at);
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
    this.objects.archive('contacts', mergedId, at, true);
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
    for (const e of ticketAssociationEvents(contactId, ticketId, false, origin)) this.emit(e);
    return true;
  }

  unassociate(contactId: string, ticketId: string, origin: ChangeOrigin): boolean {
    if (!this.isAssociated(contactId, ticketId)) return false;
    this.ticketLinks.remove(contactId, ticketId);
    for (const e of ticketAssociationEvents(contactId, ticketId, true, origin)) this.emit(e);
    return true;
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
    for (const e of companyAssociationEvents(contactId, companyId, false, primary, origin)) this.emit(e);
    if (primary) this.update('contacts', contactId, { associatedcompanyid: companyId }, origin);
    return true;
  }

  unassociateCompany(contactId: string, companyId: string, origin: ChangeOrigin): boolean {
    if (!this.links.isAssociatedWithCompany(contactId, companyId)) return false;
    const wasPrimary = this.links.primaryCompanyOf(contactId) === companyId;
    this.links.removeCompany(contactId, companyId);
    for (const e of companyAssociationEvents(contactId, companyId, true, wasPrimary, origin)) this.emit(e);
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

  /** Rough count of overlay entries: what the portal holds beyond the generator. */
  overlaySize(): number {
    return this.objects.size() + this.ticketLinks.size() + this.links.size();
  }
}
