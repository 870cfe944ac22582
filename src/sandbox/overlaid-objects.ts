import { COMPANY_ID_BASE, MAX_SURVEYS_PER_CONTACT, SURVEY_ID_BASE } from './account-generator';
import type { ObjectKind, StoredObject } from './portal-objects';
import { CONTACT_ID_BASE, MAX_TICKETS_PER_CONTACT, TICKET_ID_BASE, type GeneratedPortal } from './generator';

interface Overlay {
  edits: Map<string, { properties: Record<string, string | null>; updatedAt: number }>;
  created: Map<string, StoredObject>;
  archived: Map<string, { archivedAt: number; permanent: boolean }>;
}

/**
 * A portal's objects: the lazily generated base portal seen through overlays holding only what
 * changed (edits, creations, archivals). Memory grows with the number of changes, never with the
 * size of the portal.
 */
export class OverlaidObjects {
  private readonly overlays: Record<ObjectKind, Overlay> = {
    contacts: { edits: new Map(), created: new Map(), archived: new Map() },
    tickets: { edits: new Map(), created: new Map(), archived: new Map() },
    companies: { edits: new Map(), created: new Map(), archived: new Map() },
    feedback_submissions: { edits: new Map(), created: new Map(), archived: new Map() },
  };

  constructor(private readonly base: GeneratedPortal) {}

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

  /** Created through the API rather than generated. */
  isCreated(kind: ObjectKind, id: string): boolean {
    return this.overlays[kind].created.has(id);
  }

  /** Sets these properties over what the object holds, as modified at `at`. */
  edit(kind: ObjectKind, id: string, properties: Record<string, string | null>, at: number): void {
    const overlay = this.overlays[kind];
    const edit = overlay.edits.get(id) ?? { properties: {}, updatedAt: at };
    Object.assign(edit.properties, properties);
    edit.updatedAt = at;
    overlay.edits.set(id, edit);
  }

  add(kind: ObjectKind, object: StoredObject): void {
    this.overlays[kind].created.set(object.id, object);
  }

  /** Archived objects can be restored; permanently deleted ones are gone, with their edits. */
  archive(kind: ObjectKind, id: string, at: number, permanent: boolean): void {
    this.overlays[kind].archived.set(id, { archivedAt: at, permanent });
    if (permanent) this.overlays[kind].edits.delete(id);
  }

  /** Brings back an archived object; false when it is not archived or was deleted for good. */
  restore(kind: ObjectKind, id: string): boolean {
    const archived = this.overlays[kind].archived.get(id);
    if (!archived || archived.permanent) return false;
    this.overlays[kind].archived.delete(id);
    return true;
  }

  /** Rough count of overlay entries: what the portal holds beyond the generator. */
  size(): number {
    return Object.values(this.overlays).reduce((sum, o) => sum + o.edits.size + o.created.size + o.archived.size, 0);
  }
}
