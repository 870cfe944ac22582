import type { PortalId } from '../crm/model';
import type { AssignmentStore } from '../personas/assignment-store';
import type { RuleSetService } from '../personas/rule-set-service';
import type { Clock } from '../platform/clock';
import { evaluationSubject, type ContactWithStoredTickets, type CrmStore, type SurveyQuote } from '../crm/crm-store';
import type { SyncService } from '../sync/sync-service';
import { buildCardView, cardQuotes } from './build-card-view';
import type { CardQueries } from './card-routes';
import type { CardValidation, CardView } from './card-view';

export interface CardQueryServiceDeps {
  readonly crm: Pick<CrmStore, 'getContactsWithTickets'>;
  readonly assignments: Pick<AssignmentStore, 'get'>;
  readonly ruleSets: Pick<RuleSetService, 'live'>;
  /** Fetches contacts (and their tickets) from HubSpot, stores and rescores them. */
  readonly sync: Pick<SyncService, 'refreshContacts'>;
  readonly clock: Clock;
  /** The latest validation verdict per persona id (the card shows the effective persona's). */
  readonly verdicts?: (portalId: PortalId) => Promise<ReadonlyMap<string, CardValidation>>;
  /** Newest survey comments of a persona's contacts, for "What they say" on its sheet. */
  readonly whatTheySay?: (portalId: PortalId, personaId: string) => Promise<readonly SurveyQuote[]>;
}

/**
 * Card views from the local store. The rules are evaluated on the stored contact data at request
 * time (microseconds), so the explanation always matches the live rule set; the manual override
 * comes from the stored assignment. Only a contact the store does not have costs a HubSpot call.
 */
export class CardQueryService implements CardQueries {
  constructor(private readonly deps: CardQueryServiceDeps) {}

  async getCardView(portalId: PortalId, contactId: string): Promise<CardView | null> {
    let record = await this.read(portalId, contactId);
    if (!record) {
      const { refreshed } = await this.deps.sync.refreshContacts(portalId, [contactId]);
      if (refreshed === 0) return null;
      record = await this.read(portalId, contactId);
    }
    return record ? this.build(portalId, contactId, record) : null;
  }

  async recompute(portalId: PortalId, contactId: string): Promise<CardView | null> {
    const { refreshed } = await this.deps.sync.refreshContacts(portalId, [contactId]);
    if (refreshed === 0) return null;
    const record = await this.read(portalId, contactId);
    return record ? this.build(portalId, contactId, record) : null;
  }

  private async read(portalId: PortalId, contactId: string): Promise<ContactWithStoredTickets | null> {
    const record = (await this.deps.crm.getContactsWithTickets(portalId, [contactId])).get(contactId);
    return record && !record.contact.archived ? record : null;
  }

  private async build(portalId: PortalId, contactId: string, record: ContactWithStoredTickets): Promise<CardView> {
    const [live, stored, verdicts] = await Promise.all([
      this.deps.ruleSets.live(portalId),
      this.deps.assignments.get(portalId, contactId),
      this.deps.verdicts?.(portalId).catch(() => undefined),
    ]);
    const now = this.deps.clock.now();
    const evaluation = live.compiled.explainAll(evaluationSubject(record), now);
    const view = buildCardView({
      portalId,
      contactId,
      ruleSet: live.ruleSet,
      assignment: evaluation.assignment,
      evaluation,
      override: stored?.override ?? null,
      verdicts,
      contact: record.contact,
      tickets: record.tickets,
      company: record.company,
      surveys: record.surveys,
      now,
    });
    if (view.persona && this.deps.whatTheySay)
      view.persona.whatTheySay = cardQuotes(await this.deps.whatTheySay(portalId, view.persona.id));
    return view;
  }
}
