import type { PortalId } from '../crm/model';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { CrmStore, StoredContact } from '../crm/crm-store';
import type { HubSpotGateways } from '../crm/hubspot-port';
import type { AssignmentStore, StoredAssignment } from './assignment-store';
import type { RuleSetService } from './rule-set-service';
import {
  formatScore,
  personaPatch,
  personaPropertyNames,
  type PersonaPropertyNames,
  type WrittenValues,
  writtenValuesOf,
} from './writeback';

/**
 * Sends the persona values the assignment service computed to HubSpot: only contacts whose values
 * are pending, only the properties HubSpot does not hold already, in batches of 100 with several
 * batches in flight. What HubSpot accepted is recorded as written, in the assignment store and in
 * the store's copy of the contact; what it refused stays pending; contacts it no longer has are purged.
 */

export interface Progress {
  readonly done: number;
  readonly total: number | null;
}

export interface WriteBackResult {
  readonly written: number;
  readonly failed: number;
  /** Contacts HubSpot says no longer exist: removed from the store. */
  readonly purged: number;
  readonly requests: number;
  readonly errors: readonly string[];
}

export interface PersonaWriteBackDeps {
  readonly crm: CrmStore;
  readonly assignments: AssignmentStore;
  readonly ruleSets: RuleSetService;
  readonly gateways: HubSpotGateways;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Batch writes in flight at once; the portal's rate limiter still paces them. */
  readonly writeConcurrency?: number;
  /** Extra attempts for the inputs a 207 reports as failed. */
  readonly failedInputRetries?: number;
}

const WRITE_BATCH = 100;

export class PersonaWriteBack {
  constructor(private readonly deps: PersonaWriteBackDeps) {}

  /**
   * Writes the pending contacts in batches of 100, several batches in flight: every pending contact
   * of the portal, or only those of `contactIds` (a webhook batch writes what it was about).
   */
  async writeBack(
    portalId: PortalId,
    options: { onProgress?: (p: Progress) => void; shouldStop?: () => boolean; contactIds?: readonly string[] } = {},
  ): Promise<WriteBackResult> {
    if (options.contactIds) return this.writeBackOnly(portalId, options.contactIds);
    const live = await this.deps.ruleSets.live(portalId);
    const names = personaPropertyNames(live.ruleSet.property);
    const total = await this.deps.assignments.countPendingWrites(portalId);
    const concurrency = this.deps.writeConcurrency ?? 4;
    const totals = { written: 0, failed: 0, purged: 0, requests: 0, errors: [] as string[] };
    const inFlight = new Set<Promise<void>>();
    let after: string | null = null;
    // Stopping leaves the rest pending: the next run writes it.
    while (!options.shouldStop?.()) {
      const page: StoredAssignment[] = await this.deps.assignments.pendingWrites(portalId, after, WRITE_BATCH);
      if (page.length === 0) break;
      after = page[page.length - 1].contactId;
      const task: Promise<void> = this.writeBatch(portalId, names, page)
        .then((r) => {
          totals.written += r.written;
          totals.failed += r.failed;
          totals.purged += r.purged;
          totals.requests += r.requests;
          if (r.error) totals.errors.push(r.error);
        })
        .finally(() => {
          inFlight.delete(task);
          options.onProgress?.({ done: totals.written + totals.failed + totals.purged, total });
        });
      inFlight.add(task);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    return totals;
  }

  /**
   * Writes those of these contacts (at most 100, one request) whose values are still pending;
   * failures stay pending for the next write-back.
   */
  async writeContacts(portalId: PortalId, contactIds: readonly string[]): Promise<WriteBackResult> {
    if (contactIds.length > WRITE_BATCH) throw new RangeError(`at most ${WRITE_BATCH} contacts per write, got ${contactIds.length}`);
    const live = await this.deps.ruleSets.live(portalId);
    const found = await this.deps.assignments.getMany(portalId, contactIds);
    const page = contactIds.map((id) => found.get(id)).filter((a): a is StoredAssignment => a !== undefined && a.needsWrite);
    if (page.length === 0) return { written: 0, failed: 0, purged: 0, requests: 0, errors: [] };
    const r = await this.writeBatch(portalId, personaPropertyNames(live.ruleSet.property), page);
    return { written: r.written, failed: r.failed, purged: r.purged, requests: r.requests, errors: r.error ? [r.error] : [] };
  }

  private async writeBackOnly(portalId: PortalId, contactIds: readonly string[]): Promise<WriteBackResult> {
    const totals = { written: 0, failed: 0, purged: 0, requests: 0, errors: [] as string[] };
    const ids = [...new Set(contactIds)];
    for (let i = 0; i < ids.length; i += WRITE_BATCH) {
      const r = await this.writeContacts(portalId, ids.slice(i, i + WRITE_BATCH));
      totals.written += r.written;
      totals.failed += r.failed;
      totals.purged += r.purged;
      totals.requests += r.requests;
      totals.errors.push(...r.errors);
    }
    return totals;
  }

  private async writeBatch(
    portalId: PortalId,
    names: PersonaPropertyNames,
    page: readonly StoredAssignment[],
  ): Promise<{ written: number; failed: number; purged: number; requests: number; error?: string }> {
    const hubspot = this.deps.gateways.forPortal(portalId);
    const values = new Map<string, WrittenValues>(page.map((a) => [a.contactId, writtenValuesOf(a)]));
    // Only the properties HubSpot does not hold already (as last read or written): HubSpot records
    // every write in the property's history and fires workflows on it, even for an unchanged value.
    const held = await this.deps.crm.getContacts(portalId, [...values.keys()]);
    const patches = new Map([...values].map(([id, v]) => [id, changedProperties(held.get(id) ?? null, names, v)]));
    const written: string[] = [...patches].filter(([, patch]) => Object.keys(patch).length === 0).map(([id]) => id);
    let pending = [...values.keys()].filter((id) => !written.includes(id));
    // Contacts HubSpot says it no longer has: never sent again, purged below.
    const gone = new Set<string>();
    let requests = 0;
    let error: string | undefined;
    const attempts = 1 + (this.deps.failedInputRetries ?? 2);
    for (let attempt = 1; attempt <= attempts && pending.length > 0; attempt += 1) {
      try {
        requests += 1;
        const result = await hubspot.updateContacts(pending.map((id) => ({ id, properties: patches.get(id)! })));
        written.push(...result.written);
        const failedIds = new Set(result.failed.map((f) => f.id));
        for (const f of result.failed) if (f.notFound) gone.add(f.id);
        // Inputs neither written nor reported failed are treated as failed: nothing is assumed written.
        pending = pending.filter((id) => !gone.has(id) && (failedIds.has(id) || !result.written.includes(id)));
        if (result.failed.length > 0) error = result.failed[0].message;
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
        break;
      }
    }
    const now = this.deps.clock.now();
    await this.deps.assignments.markWritten(
      portalId,
      written.map((contactId) => ({ contactId, values: values.get(contactId)! })),
      now,
    );
    await this.rememberWritten(portalId, names, written, values, now, held);
    if (gone.size > 0) await this.deps.crm.purgeContacts(portalId, [...gone]);
    const failed = pending.length;
    if (failed > 0) this.deps.logger.warn({ portalId, failed, error }, 'some persona writes failed; they stay pending');
    return { written: written.length, failed, purged: gone.size, requests, ...(failed > 0 && error ? { error } : {}) };
  }

  /** The store's copy of each contact now holds what HubSpot holds after our write, so a later sync's value reads as ours. */
  async rememberWritten(
    portalId: PortalId,
    names: PersonaPropertyNames,
    ids: readonly string[],
    values: Map<string, WrittenValues>,
    now: number,
    /** The contacts as read just before the write, when the caller has them (saves a second read). */
    read?: Map<string, StoredContact>,
  ): Promise<void> {
    if (ids.length === 0) return;
    const found = read
      ? new Map(
          ids.flatMap((id) => {
            const c = read.get(id);
            return c ? [[id, c] as const] : [];
          }),
        )
      : await this.deps.crm.getContacts(portalId, ids);
    const updated: StoredContact[] = [...found.values()].map((contact) => ({
      ...contact,
      properties: { ...contact.properties, ...personaPatch(names, values.get(contact.id)!) },
    }));
    await this.deps.crm.upsertContacts(portalId, updated, now);
  }
}

/** The persona properties whose values HubSpot does not hold yet; all of them when the contact's are unknown. */
function changedProperties(contact: StoredContact | null, names: PersonaPropertyNames, values: WrittenValues): Record<string, string> {
  const all = personaPatch(names, values);
  if (!contact) return all;
  const p = contact.properties;
  const sameSet = (a: string, b: string) => a.split(';').filter(Boolean).sort().join(';') === b.split(';').filter(Boolean).sort().join(';');
  const score = Number(p[names.score] ?? '');
  const keep: Record<string, string> = {};
  if (!(names.persona in p) || (p[names.persona] ?? '') !== values.persona) keep[names.persona] = all[names.persona]!;
  if (!(names.secondary in p) || !sameSet(p[names.secondary] ?? '', values.secondary)) keep[names.secondary] = all[names.secondary]!;
  if (!(names.score in p) || (p[names.score] ?? '') === '' || !Number.isFinite(score) || formatScore(score) !== values.score)
    keep[names.score] = all[names.score]!;
  return keep;
}
