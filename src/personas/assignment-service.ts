import { AppError } from '../platform/errors';
import type { PortalId } from '../crm/model';
import { evaluationSubject, type ContactWithStoredTickets, type StoredContact } from '../crm/crm-store';
import type { ComputedAssignment } from './assignment-store';
import { reviewFlag } from './review-queue';
import type { PublishedRuleSet } from './rule-set-service';
import {
  diffWriteback,
  formatScore,
  type ManualOverride,
  personaPatch,
  personaPropertyNames,
  type PersonaPropertyNames,
  type WrittenValues,
  writtenValuesOf,
} from './writeback';
import { createYielder } from '../platform/event-loop';
import { PersonaWriteBack, type PersonaWriteBackDeps, type Progress, type WriteBackResult } from './persona-write-back';

export type { Progress, WriteBackResult } from './persona-write-back';

/** The write-back's needs are the service's: it reads the live rule set, the store and HubSpot too. */
export type AssignmentServiceDeps = PersonaWriteBackDeps;

export interface RescoreResult {
  readonly scored: number;
  readonly changed: number;
  readonly overrides: number;
}

const SCORE_BATCH = 500;

export interface RescoreAndWriteBackOptions {
  /** Recorded in the assignment history. */
  readonly reason: string;
  /** Only these contacts; every stored contact when absent. */
  readonly contactIds?: readonly string[];
  readonly onProgress?: (phase: 'assign' | 'write', progress: Progress) => void;
  /** Checked between write batches: stopping leaves the rest pending for the next run. */
  readonly shouldStop?: () => boolean;
}

/**
 * Scores contacts from the store with the live rule set and writes the persona properties back
 * (through `PersonaWriteBack`).
 * A contact is written only when its values differ from what was last written; a persona value
 * set in HubSpot by anyone else is a manual override (docs/rule-language.md): detected here from
 * the value the sync fetched (it differs from what the app last wrote), kept, and never overwritten
 * until it is emptied in HubSpot or an admin clears it.
 */
export class AssignmentService {
  private readonly writer: PersonaWriteBack;

  constructor(private readonly deps: AssignmentServiceDeps) {
    this.writer = new PersonaWriteBack(deps);
  }

  /** Rescores under the live rule set, then writes back only what changed: every sync, refresh and publish ends here. */
  async rescoreAndWriteBack(
    portalId: PortalId,
    options: RescoreAndWriteBackOptions,
  ): Promise<{ rescore: RescoreResult; writeBack: WriteBackResult }> {
    const { reason, contactIds, onProgress, shouldStop } = options;
    const rescore = contactIds
      ? await this.rescore(portalId, contactIds, reason)
      : await this.rescoreAll(portalId, { reason, onProgress: (p) => onProgress?.('assign', p) });
    // Rescoring some contacts writes those contacts, not every pending row of the portal.
    const writeBack = await this.writeBack(portalId, {
      onProgress: (p) => onProgress?.('write', p),
      shouldStop,
      ...(contactIds ? { contactIds } : {}),
    });
    return { rescore, writeBack };
  }

  async rescoreAll(portalId: PortalId, options: { reason?: string; onProgress?: (p: Progress) => void } = {}): Promise<RescoreResult> {
    const live = await this.deps.ruleSets.live(portalId);
    const total = (await this.deps.crm.counts(portalId)).contacts;
    let scored = 0;
    let changed = 0;
    let overrides = 0;
    for await (const batch of this.deps.crm.streamContactsWithTickets(portalId, { batchSize: SCORE_BATCH })) {
      const r = await this.scoreBatch(portalId, live, batch, options.reason ?? 'rescore');
      scored += batch.length;
      changed += r.changed;
      overrides += r.overrides;
      options.onProgress?.({ done: scored, total });
    }
    return { scored, changed, overrides };
  }

  async rescore(portalId: PortalId, contactIds: readonly string[], reason = 'change'): Promise<RescoreResult> {
    const live = await this.deps.ruleSets.live(portalId);
    let scored = 0;
    let changed = 0;
    let overrides = 0;
    for (let i = 0; i < contactIds.length; i += SCORE_BATCH) {
      const found = await this.deps.crm.getContactsWithTickets(portalId, contactIds.slice(i, i + SCORE_BATCH));
      const batch = [...found.values()].filter((c) => !c.contact.archived);
      const r = await this.scoreBatch(portalId, live, batch, reason);
      scored += batch.length;
      changed += r.changed;
      overrides += r.overrides;
    }
    return { scored, changed, overrides };
  }

  /**
   * Scores these stored contacts (one page of a sync, read with its related records) and names
   * those whose values HubSpot must now be sent, in the order given.
   */
  async scoreContacts(portalId: PortalId, contactIds: readonly string[], reason: string): Promise<RescoreResult & { toWrite: string[] }> {
    const live = await this.deps.ruleSets.live(portalId);
    const found = await this.deps.crm.getContactsWithTickets(portalId, contactIds);
    const batch = contactIds
      .map((id) => found.get(id))
      .filter((c): c is ContactWithStoredTickets => c !== undefined && !c.contact.archived);
    const r = await this.scoreBatch(portalId, live, batch, reason);
    return { scored: batch.length, changed: r.changed, overrides: r.overrides, toWrite: r.toWrite };
  }

  private async scoreBatch(
    portalId: PortalId,
    live: PublishedRuleSet,
    batch: readonly ContactWithStoredTickets[],
    reason: string,
  ): Promise<{ changed: number; overrides: number; toWrite: string[] }> {
    if (batch.length === 0) return { changed: 0, overrides: 0, toWrite: [] };
    const now = this.deps.clock.now();
    const names = personaPropertyNames(live.ruleSet.property);
    const stored = await this.deps.assignments.getMany(
      portalId,
      batch.map((c) => c.contact.id),
    );
    const computed: ComputedAssignment[] = [];
    const overrideChanges: { contactId: string; override: ManualOverride | null }[] = [];
    const adopted: { contactId: string; values: WrittenValues }[] = [];
    const yieldNow = createYielder();
    for (const record of batch) {
      await yieldNow();
      const { contact } = record;
      const assignment = live.compiled.assign(evaluationSubject(record), now);
      const previous = stored.get(contact.id) ?? null;
      const decision = diffWriteback({
        assignment,
        property: live.ruleSet.property,
        lastWritten: previous?.written ?? null,
        current: currentValues(contact, names),
        override: previous?.override ?? null,
        observedAt: contact.hsUpdatedAt || now,
      });
      // HubSpot already holds exactly what would be written but nothing records the write (its answer
      // was lost to a crash, or the store was rebuilt): it is ours, and writing it again changes nothing.
      const values = writtenValuesOf(assignment);
      const alreadyHeld = decision.patch !== null && !decision.override && previous?.written == null && holds(contact, names, values);
      if (alreadyHeld) adopted.push({ contactId: contact.id, values });
      computed.push({
        contactId: contact.id,
        personaId: assignment.personaId,
        score: assignment.score,
        secondary: assignment.secondary,
        journeyStage: assignment.journeyStage,
        explanation: assignment.explanation,
        ruleSetVersion: live.version,
        needsWrite: decision.patch !== null && !alreadyHeld,
        review: reviewFlag(assignment, previous?.personaId, live.ruleSet.unassigned.id, live.ruleSet.reviewMargin),
      });
      const had = previous?.override ?? null;
      if (decision.override && (had === null || had.persona !== decision.override.persona)) {
        overrideChanges.push({ contactId: contact.id, override: decision.override });
      } else if (!decision.override && had !== null) {
        overrideChanges.push({ contactId: contact.id, override: null });
      }
    }
    const { changed } = await this.deps.assignments.saveComputed(portalId, computed, reason, now);
    if (adopted.length > 0) await this.deps.assignments.markWritten(portalId, adopted, now);
    for (const change of overrideChanges) {
      await this.deps.assignments.setOverride(portalId, change.contactId, change.override);
      this.deps.logger.info(
        { portalId, contactId: change.contactId, override: change.override?.persona ?? null },
        change.override ? 'manual override detected' : 'manual override ended',
      );
    }
    return {
      changed,
      overrides: overrideChanges.filter((c) => c.override !== null).length,
      toWrite: computed.filter((c) => c.needsWrite).map((c) => c.contactId),
    };
  }

  /**
   * An admin sets or clears a contact's persona by hand in our admin. HubSpot is written first,
   * so workflows see the effective persona, and the store follows only once HubSpot has it: the
   * value then reads as the app's own write, never as someone else's override, and clearing
   * writes the computed persona back over a value a rep had set in HubSpot.
   */
  async applyAdminOverride(portalId: PortalId, contactId: string, override: ManualOverride | null): Promise<void> {
    const live = await this.deps.ruleSets.live(portalId);
    const names = personaPropertyNames(live.ruleSet.property);
    const assignment = await this.deps.assignments.get(portalId, contactId);
    if (!assignment) throw new AppError('not_found', `Contact ${contactId} has no assignment yet; sync it first`);
    if (override && override.persona !== live.ruleSet.unassigned.id && !live.ruleSet.personas.some((p) => p.id === override.persona)) {
      throw new AppError('validation_failed', `Unknown persona ${override.persona}`, {
        details: [{ path: 'persona', message: 'must be a persona id of the live rule set or the unassigned id' }],
      });
    }
    const values = writtenValuesOf(assignment, override?.persona);
    const result = await this.deps.gateways
      .forPortal(portalId)
      .updateContacts([{ id: contactId, properties: personaPatch(names, values) }]);
    if (!result.written.includes(contactId)) {
      throw new AppError(
        'upstream_failed',
        `HubSpot did not accept the persona for contact ${contactId}: ${result.failed[0]?.message ?? 'unknown error'}`,
      );
    }
    const now = this.deps.clock.now();
    await this.deps.assignments.setOverride(portalId, contactId, override);
    await this.deps.assignments.markWritten(portalId, [{ contactId, values }], now);
    await this.writer.rememberWritten(portalId, names, [contactId], new Map([[contactId, values]]), now);
  }

  /**
   * Writes the pending contacts in batches of 100, several batches in flight: every pending contact
   * of the portal, or only those of `contactIds` (a webhook batch writes what it was about).
   */
  writeBack(
    portalId: PortalId,
    options: { onProgress?: (p: Progress) => void; shouldStop?: () => boolean; contactIds?: readonly string[] } = {},
  ): Promise<WriteBackResult> {
    return this.writer.writeBack(portalId, options);
  }

  /**
   * Writes those of these contacts (at most 100, one request) whose values are still pending;
   * failures stay pending for the next write-back.
   */
  writeContacts(portalId: PortalId, contactIds: readonly string[]): Promise<WriteBackResult> {
    return this.writer.writeContacts(portalId, contactIds);
  }
}

/** Whether the contact as last read from HubSpot holds exactly these persona values. */
function holds(contact: StoredContact, names: PersonaPropertyNames, values: WrittenValues): boolean {
  const p = contact.properties;
  const sameSet = (a: string, b: string) => a.split(';').filter(Boolean).sort().join(';') === b.split(';').filter(Boolean).sort().join(';');
  const score = Number(p[names.score] ?? '');
  return (
    (p[names.persona] ?? '') === values.persona &&
    sameSet(p[names.secondary] ?? '', values.secondary) &&
    (p[names.score] ?? '') !== '' &&
    Number.isFinite(score) &&
    formatScore(score) === values.score
  );
}

function currentValues(contact: StoredContact, names: PersonaPropertyNames) {
  const p = contact.properties;
  // A property the sync did not fetch is unknown (undefined), not empty.
  if (!(names.persona in p)) return null;
  return { persona: p[names.persona] ?? null, secondary: p[names.secondary] ?? null, score: p[names.score] ?? null };
}
