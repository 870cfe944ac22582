import type { AuditStore } from '../audit/audit-store';
import type { CrmStore } from '../crm/crm-store';
import type { PortalId } from '../crm/model';
import { AppError } from '../platform/errors';
import type { AssignmentStore, ReviewQueueCursor } from './assignment-store';
import type { ManualOverride } from './writeback';
import type { AssignmentExplanation } from './engine';
import type { ReviewReason } from './review-queue';

export type ReviewDecision =
  { readonly action: 'confirm' } | { readonly action: 'pick'; readonly personaId: string } | { readonly action: 'dismiss' };

export interface ReviewQueueRow {
  readonly contactId: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly personaId: string;
  readonly score: number;
  readonly reason: ReviewReason;
  readonly margin: number;
  readonly explanation: AssignmentExplanation | null;
  readonly override: ManualOverride | null;
}

export interface ReviewQueuePage {
  readonly size: number;
  readonly items: readonly ReviewQueueRow[];
  /** Pass back as `cursor` for the next page; null on the last one. */
  readonly next: string | null;
}

export interface ReviewQueueServiceDeps {
  readonly assignments: Pick<AssignmentStore, 'get' | 'reviewQueue' | 'reviewQueueSize' | 'closeReview'>;
  readonly crm: Pick<CrmStore, 'getContactsWithTickets'>;
  readonly audit: Pick<AuditStore, 'append'>;
  /** Persona ids an override may name (the live rule set's personas and its unassigned id). */
  readonly personaIds: (portalId: PortalId) => Promise<ReadonlySet<string>>;
  readonly applyOverride: (portalId: PortalId, contactId: string, override: { persona: string; by: string; at: number }) => Promise<void>;
  readonly now: () => number;
}

const encodeCursor = (c: ReviewQueueCursor) => Buffer.from(JSON.stringify([c.margin, c.contactId])).toString('base64url');

function decodeCursor(cursor: string): ReviewQueueCursor {
  try {
    const [margin, contactId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof margin === 'number' && Number.isFinite(margin) && typeof contactId === 'string') return { margin, contactId };
  } catch {
    /* reported below */
  }
  throw new AppError('bad_request', 'cursor is not one this queue gave out', {
    details: [{ path: 'cursor', message: 'use the `next` value of the previous page' }],
  });
}

/**
 * The queue of close calls: contacts whose persona barely won, just changed, or who just fell out
 * of every persona near a threshold. A reviewer confirms (an override equal to the computed
 * persona, so it sticks), picks another persona (an override), or dismisses; each decision takes
 * the contact out of the queue and is audited.
 */
export class ReviewQueueService {
  constructor(private readonly deps: ReviewQueueServiceDeps) {}

  size(portalId: PortalId): Promise<number> {
    return this.deps.assignments.reviewQueueSize(portalId);
  }

  async page(portalId: PortalId, options: { cursor?: string | null; limit: number }): Promise<ReviewQueuePage> {
    const after = options.cursor ? decodeCursor(options.cursor) : null;
    // One more than asked tells whether another page exists without a second query.
    const [items, size] = await Promise.all([
      this.deps.assignments.reviewQueue(portalId, { after, limit: options.limit + 1 }),
      this.deps.assignments.reviewQueueSize(portalId),
    ]);
    const shown = items.slice(0, options.limit);
    const contacts = shown.length
      ? await this.deps.crm.getContactsWithTickets(
          portalId,
          shown.map((i) => i.contactId),
        )
      : new Map();
    const last = shown[shown.length - 1];
    return {
      size,
      next: items.length > options.limit && last ? encodeCursor({ margin: last.flag.margin, contactId: last.contactId }) : null,
      items: shown.map((i) => {
        const contact = contacts.get(i.contactId)?.contact;
        const name = contact ? [contact.properties.firstname, contact.properties.lastname].filter(Boolean).join(' ') || null : null;
        return {
          contactId: i.contactId,
          name,
          email: contact?.email ?? null,
          personaId: i.personaId,
          score: i.score,
          reason: i.flag.reason,
          margin: i.flag.margin,
          explanation: i.explanation as AssignmentExplanation | null,
          override: i.override,
        };
      }),
    };
  }

  async decide(portalId: PortalId, contactId: string, decision: ReviewDecision, actor: string): Promise<{ personaId: string | null }> {
    const stored = await this.deps.assignments.get(portalId, contactId);
    if (!stored) throw new AppError('not_found', `Contact ${contactId} has no assignment`);
    let personaId: string | null = null;
    if (decision.action !== 'dismiss') {
      personaId = decision.action === 'confirm' ? stored.personaId : decision.personaId;
      if (!(await this.deps.personaIds(portalId)).has(personaId)) {
        throw new AppError('validation_failed', `Unknown persona "${personaId}"`, {
          details: [{ path: 'personaId', message: 'not a persona of the live rule set' }],
        });
      }
    }
    // Closing first makes a second, concurrent decision on the same contact a 409, not a double override.
    if (!(await this.deps.assignments.closeReview(portalId, contactId))) {
      throw new AppError('conflict', `Contact ${contactId} is not in the review queue (already decided?)`);
    }
    const now = this.deps.now();
    if (personaId !== null) await this.deps.applyOverride(portalId, contactId, { persona: personaId, by: actor, at: now });
    await this.deps.audit.append({
      portalId,
      actor,
      action: `review.${decision.action}`,
      target: `contact:${contactId}`,
      diff: { personaId, computed: stored.personaId, reason: stored.review?.reason ?? null },
      at: now,
    });
    return { personaId };
  }
}
