import type { PortalId } from '../crm/model';
import type { AssignmentStore } from '../personas/assignment-store';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { CrmStore } from '../crm/crm-store';
import type { InboxItem, InboxStore } from './inbox-store';
import { planWebhookWork, type WebhookWorkPlan } from './plan-webhook-work';
import { webhookEventSchema, type WebhookEvent } from './webhook-event';

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

export interface WebhookWorkerOptions {
  /** Entries claimed at once: the more, the more events coalesce into one refresh. */
  readonly batchSize?: number;
  readonly pollMs?: number;
  /** A claim older than this belongs to a dead worker and is handed out again. */
  readonly staleAfterMs?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** Contacts per refresh call (one HubSpot batch read). */
  readonly refreshChunk?: number;
  /** Done entries are kept this long so HubSpot's retries (up to 24 h) still dedupe against them. */
  readonly retentionMs?: number;
}

export interface WebhookWorkerDeps {
  readonly inbox: InboxStore;
  readonly crm: Pick<CrmStore, 'purgeContacts' | 'deleteTickets' | 'contactIdsOfTicket' | 'getContact'> &
    Partial<Pick<CrmStore, 'contactIdsOfCompanies'>>;
  readonly assignments: Pick<AssignmentStore, 'getMany' | 'setOverride' | 'setHubspotPersona'>;
  readonly refresher: ContactRefresher;
  readonly committee?: CompanyCoverageRefresher;
  readonly rules: LiveRuleSetSource;
  /** Our HubSpot app id: changes HubSpot attributes to it are our own writes. */
  readonly appId: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options?: WebhookWorkerOptions;
}

export interface DrainReport {
  readonly claimed: number;
  readonly completed: number;
  readonly failed: number;
}

const DEFAULTS: Required<WebhookWorkerOptions> = {
  batchSize: 500,
  pollMs: 200,
  staleAfterMs: 60_000,
  retryBaseMs: 1_000,
  retryMaxMs: 5 * 60_000,
  refreshChunk: 100,
  retentionMs: 3 * 24 * 3_600_000,
};
const HOUSEKEEPING_EVERY_MS = 30_000;

/**
 * Drains the webhook inbox. An entry is completed only after its effects are applied, so an
 * acknowledged event survives a crash (it is claimed again once its claim goes stale); effects are
 * idempotent (refetch-and-rescore, purge, set override), so applying a batch twice changes nothing
 * the first time did not.
 */
export class WebhookWorker {
  private readonly options: Required<WebhookWorkerOptions>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private again = false;
  private lastHousekeeping = 0;

  constructor(private readonly deps: WebhookWorkerDeps) {
    this.options = { ...DEFAULTS, ...deps.options };
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.housekeeping();
    this.nudge();
  }

  /** Starts a drain now (after an intake) instead of at the next poll. */
  nudge(): void {
    if (!this.started) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.loop().finally(() => {
      this.running = undefined;
      this.schedule(this.again ? 0 : this.options.pollMs);
      this.again = false;
    });
  }

  /** Stops polling and waits for the batch in hand to be applied and completed. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(ms: number): void {
    if (!this.started) return;
    this.timer = setTimeout(() => this.nudge(), ms);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    try {
      if (this.deps.clock.now() - this.lastHousekeeping >= HOUSEKEEPING_EVERY_MS) await this.housekeeping();
      while (this.started) {
        const report = await this.drainOnce();
        if (report.claimed < this.options.batchSize) return;
      }
    } catch (err) {
      // The store itself failed: nothing was completed, so the next poll tries again.
      this.deps.logger.warn({ err }, 'webhook worker could not drain the inbox');
    }
  }

  private async housekeeping(): Promise<void> {
    const now = this.deps.clock.now();
    this.lastHousekeeping = now;
    const released = await this.deps.inbox.releaseStale(now - this.options.staleAfterMs);
    if (released > 0) this.deps.logger.warn({ released }, 'webhook events of an interrupted worker returned to the inbox');
    await this.deps.inbox.purgeDone(now - this.options.retentionMs);
  }

  /** Claims one batch and applies it; tests call this directly. */
  async drainOnce(): Promise<DrainReport> {
    return this.apply(await this.deps.inbox.claim(this.options.batchSize, this.deps.clock.now()));
  }

  /**
   * Applies every due entry of one portal. For the job runner, which runs it while it holds the
   * portal (no other process works on it), so any entry of the portal still claimed belongs to a
   * worker that died and is taken back at once. Returns when the portal's next entry falls due
   * (a retry after a failure), or null when its inbox is empty.
   */
  async drainPortal(
    portalId: PortalId,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ report: DrainReport; nextDueAt: number | null }> {
    const released = await this.deps.inbox.releasePortal(portalId);
    if (released > 0) this.deps.logger.warn({ portalId, released }, 'webhook events of an interrupted worker returned to the inbox');
    const total = { claimed: 0, completed: 0, failed: 0 };
    while (!options.signal?.aborted) {
      const report = await this.apply(await this.deps.inbox.claim(this.options.batchSize, this.deps.clock.now(), portalId));
      total.claimed += report.claimed;
      total.completed += report.completed;
      total.failed += report.failed;
      if (report.claimed < this.options.batchSize) break;
    }
    return { report: total, nextDueAt: await this.deps.inbox.nextDue(portalId) };
  }

  /** Drops done entries past their retention (HubSpot's retries no longer need them for dedupe). */
  async purgeDone(): Promise<number> {
    return this.deps.inbox.purgeDone(this.deps.clock.now() - this.options.retentionMs);
  }

  private async apply(items: readonly InboxItem[]): Promise<DrainReport> {
    if (items.length === 0) return { claimed: 0, completed: 0, failed: 0 };
    const byPortal = new Map<PortalId, { item: InboxItem; event: WebhookEvent }[]>();
    let failed = 0;
    for (const item of items) {
      const parsed = webhookEventSchema.safeParse(item.event);
      if (!parsed.success) {
        // Validated at intake, so this is a stored row damaged since: retrying cannot help.
        await this.deps.inbox.fail(item.id, `unreadable event: ${parsed.error.message}`, false);
        failed++;
        continue;
      }
      const list = byPortal.get(item.portalId) ?? [];
      list.push({ item, event: parsed.data });
      byPortal.set(item.portalId, list);
    }
    let completed = 0;
    for (const [portalId, entries] of byPortal) {
      try {
        await this.applyPortal(
          portalId,
          entries.map((e) => e.event),
        );
        await this.deps.inbox.complete(
          entries.map((e) => e.item.id),
          this.deps.clock.now(),
        );
        completed += entries.length;
      } catch (err) {
        failed += entries.length;
        const attempts = Math.max(...entries.map((e) => e.item.attempts));
        const delay = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** (attempts - 1));
        const retryAt = this.deps.clock.now() + delay;
        const message = err instanceof Error ? err.message : String(err);
        this.deps.logger.warn({ portalId, events: entries.length, attempts, retryInMs: delay, err }, 'webhook events failed; will retry');
        for (const e of entries) await this.deps.inbox.fail(e.item.id, message, true, retryAt);
      }
    }
    return { claimed: items.length, completed, failed };
  }

  private async applyPortal(portalId: PortalId, events: readonly WebhookEvent[]): Promise<WebhookWorkPlan> {
    const live = await this.deps.rules.live(portalId);
    const plan = planWebhookWork(
      events,
      {
        contactProperties: live.contactProperties,
        ticketProperties: live.ticketProperties,
        companyProperties: live.companyProperties ?? [],
        personaProperty: live.ruleSet.property.name,
      },
      this.deps.appId,
    );
    const refreshContacts = new Set(plan.refreshContacts);
    const touched = await this.touchedContacts(portalId, plan);
    const companiesBefore =
      touched.length > 0 && this.deps.committee ? await this.deps.committee.companiesOfContacts(portalId, touched) : [];

    // Overrides first, so the refresh below already sees them and does not write over a rep's choice.
    if (plan.personaChanges.length > 0) {
      const stored = await this.deps.assignments.getMany(
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
          await this.deps.assignments.setHubspotPersona(portalId, change.contactId, null);
          if (assignment.override) await this.deps.assignments.setOverride(portalId, change.contactId, null);
          refreshContacts.add(change.contactId); // eligible for write-back again
          continue;
        }
        // The app's own write whose change source did not say so, or agreement with the rules before any write (docs/rule-language.md, Manual overrides).
        const ours =
          assignment.override === null &&
          (assignment.written?.persona === change.value || (assignment.written === null && assignment.personaId === change.value));
        if (ours || assignment.override?.persona === change.value) continue;
        await this.deps.assignments.setHubspotPersona(portalId, change.contactId, change.value);
        await this.deps.assignments.setOverride(portalId, change.contactId, { persona: change.value, by: change.by, at: change.at });
      }
    }

    const purge: string[] = [];
    for (const p of plan.purgeContacts) {
      if (!p.permanent) {
        // A deletion older than what we last fetched from HubSpot was undone since (restored): keep the contact.
        const stored = await this.deps.crm.getContact(portalId, p.contactId);
        if (stored && stored.hsUpdatedAt > p.at) continue;
      }
      purge.push(p.contactId);
    }
    if (purge.length > 0) await this.deps.crm.purgeContacts(portalId, purge);

    if (plan.deleteTickets.length > 0) {
      for (const ticketId of plan.deleteTickets) {
        for (const contactId of await this.deps.crm.contactIdsOfTicket(portalId, ticketId)) refreshContacts.add(contactId);
      }
      await this.deps.crm.deleteTickets(portalId, plan.deleteTickets);
    }
    if (plan.refreshTickets.length > 0) await this.deps.refresher.refreshTickets(portalId, plan.refreshTickets);
    if (plan.refreshCompanies.length > 0 && this.deps.refresher.refreshCompanies)
      await this.deps.refresher.refreshCompanies(portalId, plan.refreshCompanies);

    for (const id of purge) refreshContacts.delete(id);
    const ids = [...refreshContacts].sort();
    for (let i = 0; i < ids.length; i += this.options.refreshChunk) {
      await this.deps.refresher.refreshContacts(portalId, ids.slice(i, i + this.options.refreshChunk));
    }
    if (touched.length > 0 && this.deps.committee) {
      const gone = new Set(purge);
      const companiesAfter = await this.deps.committee.companiesOfContacts(
        portalId,
        touched.filter((id) => !gone.has(id)),
      );
      await this.deps.committee.refreshCompanies(portalId, [...companiesBefore, ...companiesAfter]);
    }
    this.deps.logger.debug(
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
  private async touchedContacts(portalId: PortalId, plan: WebhookWorkPlan): Promise<string[]> {
    if (!this.deps.committee) return [];
    const out = new Set<string>([
      ...plan.refreshContacts,
      ...plan.personaChanges.map((c) => c.contactId),
      ...plan.purgeContacts.map((p) => p.contactId),
    ]);
    for (const ticketId of [...plan.refreshTickets, ...plan.deleteTickets]) {
      for (const contactId of await this.deps.crm.contactIdsOfTicket(portalId, ticketId)) out.add(contactId);
    }
    if (plan.refreshCompanies.length > 0 && this.deps.crm.contactIdsOfCompanies) {
      const primary = await this.deps.crm.contactIdsOfCompanies(portalId, plan.refreshCompanies, { primaryOnly: true });
      for (const contactId of primary) out.add(contactId);
    }
    return [...out].sort();
  }
}
