import type { PortalId } from '../crm/model';
import type { AssignmentStore } from '../personas/assignment-store';
import type { Logger } from '../platform/logger';
import type { CrmStore } from '../crm/crm-store';
import { planWebhookWork, type WebhookWorkPlan } from './plan-webhook-work';
import type { WebhookEvent } from './webhook-event';

/**
 * Applies one portal's batch of webhook events: plans the work (`plan-webhook-work.ts`), then
 * records persona overrides, purges deleted contacts and tickets, refetches and rescores what
 * changed, and recomputes the buying committee of the companies concerned. Every effect is
 * idempotent, so applying a batch again after a crash changes nothing the first time did not.
 */

/** What the worker needs from the sync capability: refetch from HubSpot, store, rescore, write back only changes. */
export interface ContactRefresher {
  refreshContacts(portalId: PortalId, contactIds: readonly string[]): Promise<unknown>;
  /** Refetches the tickets and rescores the contacts they are linked to. */
  refreshTickets(portalId: PortalId, ticketIds: readonly string[]): Promise<unknown>;
  /** Refetches the companies and rescores the contacts whose primary company they are. */
  refreshCompanies?(portalId: PortalId, companyIds: readonly string[]): Promise<unknown>;
}

/**
 * The buying committee: after a batch's effects, the companies it concerns are recomputed (and
 * only those). Read before the effects too, so a company a contact left, or a purged contact's
 * company, is among them.
 */
export interface CompanyCoverageRefresher {
  companiesOfContacts(portalId: PortalId, contactIds: readonly string[]): Promise<string[]>;
  refreshCompanies(portalId: PortalId, companyIds: readonly string[]): Promise<unknown>;
}

/** The part of a compiled rule set the worker reads (a `CompiledRuleSet` fits). */
export interface LiveRuleSetView {
  readonly contactProperties: readonly string[];
  readonly ticketProperties: readonly string[];
  readonly companyProperties?: readonly string[];
  readonly ruleSet: { readonly property: { readonly name: string } };
}

export interface LiveRuleSetSource {
  live(portalId: PortalId): Promise<LiveRuleSetView> | LiveRuleSetView;
}

export interface ApplyWebhookWorkDeps {
  readonly crm: Pick<CrmStore, 'purgeContacts' | 'deleteTickets' | 'contactIdsOfTicket' | 'getContact'> &
    Partial<Pick<CrmStore, 'contactIdsOfCompanies'>>;
  readonly assignments: Pick<AssignmentStore, 'getMany' | 'setOverride' | 'setHubspotPersona'>;
  readonly refresher: ContactRefresher;
  readonly committee?: CompanyCoverageRefresher;
  readonly rules: LiveRuleSetSource;
  /** Our HubSpot app id: changes HubSpot attributes to it are our own writes. */
  readonly appId: number;
  readonly logger: Logger;
  /** Contacts per refresh call (one HubSpot batch read). */
  readonly refreshChunk: number;
}

export async function applyWebhookWork(
  deps: ApplyWebhookWorkDeps,
  portalId: PortalId,
  events: readonly WebhookEvent[],
): Promise<WebhookWorkPlan> {
  const live = await deps.rules.live(portalId);
  const plan = planWebhookWork(
    events,
    {
      contactProperties: live.contactProperties,
      ticketProperties: live.ticketProperties,
      companyProperties: live.companyProperties ?? [],
      personaProperty: live.ruleSet.property.name,
    },
    deps.appId,
  );
  const refreshContacts = new Set(plan.refreshContacts);
  const touched = await touchedContacts(deps, portalId, plan);
  const companiesBefore = touched.length > 0 && deps.committee ? await deps.committee.companiesOfContacts(portalId, touched) : [];

  // Overrides first, so the refresh below already sees them and does not write over a rep's choice.
  if (plan.personaChanges.length > 0) {
    const stored = await deps.assignments.getMany(
      portalId,
      plan.personaChanges.map((c) => c.contactId),
    );
    for (const change of plan.personaChanges) {
      const assignment = stored.get(change.contactId);
      if (!assignment) {
        // Never scored yet: the refresh reads the value from HubSpot and the write-back rules treat it as an override.
        refreshContacts.add(change.contactId);
        continue;
      }
      // A change older than the override in force was overtaken by the one that set it.
      if (assignment.override !== null && assignment.override.at > change.at) continue;
      if (change.value === '') {
        await deps.assignments.setHubspotPersona(portalId, change.contactId, null);
        if (assignment.override) await deps.assignments.setOverride(portalId, change.contactId, null);
        refreshContacts.add(change.contactId); // eligible for write-back again
        continue;
      }
      // The app's own write whose change source did not say so, or agreement with the rules before any write (docs/rule-language.md, Manual overrides).
      const ours =
        assignment.override === null &&
        (assignment.written?.persona === change.value || (assignment.written === null && assignment.personaId === change.value));
      if (ours || assignment.override?.persona === change.value) continue;
      await deps.assignments.setHubspotPersona(portalId, change.contactId, change.value);
      await deps.assignments.setOverride(portalId, change.contactId, { persona: change.value, by: change.by, at: change.at });
    }
  }

  const purge: string[] = [];
  for (const p of plan.purgeContacts) {
    if (!p.permanent) {
      // A deletion older than what we last fetched from HubSpot was undone since (restored): keep the contact.
      const stored = await deps.crm.getContact(portalId, p.contactId);
      if (stored && stored.hsUpdatedAt > p.at) continue;
    }
    purge.push(p.contactId);
  }
  if (purge.length > 0) await deps.crm.purgeContacts(portalId, purge);

  if (plan.deleteTickets.length > 0) {
    for (const ticketId of plan.deleteTickets) {
      for (const contactId of await deps.crm.contactIdsOfTicket(portalId, ticketId)) refreshContacts.add(contactId);
    }
    await deps.crm.deleteTickets(portalId, plan.deleteTickets);
  }
  if (plan.refreshTickets.length > 0) await deps.refresher.refreshTickets(portalId, plan.refreshTickets);
  if (plan.refreshCompanies.length > 0 && deps.refresher.refreshCompanies)
    await deps.refresher.refreshCompanies(portalId, plan.refreshCompanies);

  for (const id of purge) refreshContacts.delete(id);
  const ids = [...refreshContacts].sort();
  for (let i = 0; i < ids.length; i += deps.refreshChunk) {
    await deps.refresher.refreshContacts(portalId, ids.slice(i, i + deps.refreshChunk));
  }
  if (touched.length > 0 && deps.committee) {
    const gone = new Set(purge);
    const companiesAfter = await deps.committee.companiesOfContacts(
      portalId,
      touched.filter((id) => !gone.has(id)),
    );
    await deps.committee.refreshCompanies(portalId, [...companiesBefore, ...companiesAfter]);
  }
  deps.logger.debug(
    {
      portalId,
      events: events.length,
      refreshed: ids.length,
      tickets: plan.refreshTickets.length,
      purged: purge.length,
      deletedTickets: plan.deleteTickets.length,
      ignored: plan.ignored,
    },
    'webhook events applied',
  );
  return plan;
}

/** Every contact whose persona or company links this plan may change. */
async function touchedContacts(deps: ApplyWebhookWorkDeps, portalId: PortalId, plan: WebhookWorkPlan): Promise<string[]> {
  if (!deps.committee) return [];
  const out = new Set<string>([
    ...plan.refreshContacts,
    ...plan.personaChanges.map((c) => c.contactId),
    ...plan.purgeContacts.map((p) => p.contactId),
  ]);
  for (const ticketId of [...plan.refreshTickets, ...plan.deleteTickets]) {
    for (const contactId of await deps.crm.contactIdsOfTicket(portalId, ticketId)) out.add(contactId);
  }
  if (plan.refreshCompanies.length > 0 && deps.crm.contactIdsOfCompanies) {
    const primary = await deps.crm.contactIdsOfCompanies(portalId, plan.refreshCompanies, { primaryOnly: true });
    for (const contactId of primary) out.add(contactId);
  }
  return [...out].sort();
}
