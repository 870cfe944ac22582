import type { PortalId } from '../crm/model';
import type { PortalStore } from '../install/portal-store';
import type { AssignmentService, RescoreResult, WriteBackResult } from '../personas/assignment-service';
import type { RuleSetService } from '../personas/rule-set-service';
import { personaPropertyNames } from '../personas/writeback';
import { AppError } from '../platform/errors';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { accountAccess, type AccountAccess } from '../crm/account-access';
import {
  companyReader,
  streamContacts,
  surveyReader,
  ticketReader,
  toStoredCompany,
  toStoredContact,
  toStoredSurvey,
  toStoredTicket,
  type RelatedRecordReader,
  type StreamCounts,
} from './contact-stream';
import type { ContactTicketLink, CrmStore } from '../crm/crm-store';
import type { CrmRecord, HubSpotGateways, ObjectKind, PortalHubSpot } from '../crm/hubspot-port';
import { ProgressMeter, type StreamFigures } from './progress-meter';
import type { SyncProgress, SyncRunKind, SyncStore } from './sync-store';

/** `stream`: a full sync or reconcile listing, scoring and writing page by page. */
export type SyncPhase = 'stream' | 'contacts' | 'tickets' | 'companies' | 'feedback_submissions' | 'assign' | 'write' | 'purge';

export interface SyncProgressEvent {
  readonly phase: SyncPhase;
  readonly done: number;
  readonly total: number | null;
  /** While streaming: contacts scored, written, remaining, and the time to go at the measured rate. */
  readonly figures?: StreamFigures;
}

export interface SyncOptions {
  readonly onProgress?: (event: SyncProgressEvent) => void;
  /**
   * Stops the run at its next page boundary with the cursor saved (a job's time slice ended or its
   * process is stopping); the run then rejects with SyncPausedError and the next run resumes.
   */
  readonly signal?: AbortSignal;
}

/** The run stopped on its caller's signal; its cursor is saved and the next run continues from it. */
export class SyncPausedError extends Error {
  constructor(readonly portalId: PortalId) {
    super(`The sync of portal ${portalId} paused; the next run resumes where it stopped`);
    this.name = 'SyncPausedError';
  }
}

export interface SyncSummary {
  readonly runId: number;
  readonly kind: SyncRunKind;
  readonly contacts: number;
  readonly tickets: number;
  readonly purgedContacts: number;
  readonly purgedTickets: number;
  readonly rescore: RescoreResult;
  readonly writeBack: WriteBackResult;
}

/** Test seams: a hook that throws after a page simulates a crash at that point. */
export interface SyncHooks {
  afterPage?(info: { portalId: PortalId; stream: string; page: number }): void | Promise<void>;
}

export interface SyncServiceDeps {
  readonly crm: CrmStore;
  readonly sync: SyncStore;
  readonly portals: PortalStore;
  readonly ruleSets: RuleSetService;
  readonly assignments: AssignmentService;
  readonly gateways: HubSpotGateways;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly hooks?: SyncHooks;
  /** Incremental searches start this far before the watermark: search is eventually consistent. */
  readonly searchOverlapMs?: number;
}

/** Properties the persona card shows besides what the rules read. */
export const CARD_CONTACT_PROPERTIES = ['email', 'firstname', 'lastname', 'jobtitle', 'company', 'lifecyclestage'] as const;
/** Company properties shown to reps (card, accounts view) besides what the rules read. */
export const CARD_COMPANY_PROPERTIES = ['name', 'domain', 'industry', 'numberofemployees', 'annualrevenue', 'lifecyclestage'] as const;
/** Survey response properties shown as evidence besides what the rules read. */
export const CARD_SURVEY_PROPERTIES = [
  'hs_survey_type',
  'hs_survey_name',
  'hs_value',
  'hs_response_group',
  'hs_content',
  'hs_sentiment',
  'hs_survey_channel',
  'hs_createdate',
] as const;
const MODIFIED: Record<ObjectKind, string> = {
  contacts: 'lastmodifieddate',
  tickets: 'hs_lastmodifieddate',
  companies: 'hs_lastmodifieddate',
  feedback_submissions: 'hs_lastmodifieddate',
};
const SEARCH_RESULT_CAP = 10_000;
/** Kinds the incremental sync searches by modification time; companies and responses only where the grant allows. */
const INCREMENTAL_KINDS: readonly ObjectKind[] = ['contacts', 'tickets', 'companies', 'feedback_submissions'];
const SEARCH_PAGE = 200;

const cursorKey = {
  fullState: 'full:state',
  /** Contacts finished and written by the runs before this one of the same full sync (a crash's resume). */
  fullDone: 'full:done',
  full: (kind: ObjectKind) => `full:${kind}`,
  watermark: (kind: ObjectKind) => `incremental:${kind}`,
};

interface RunningSync {
  readonly kind: SyncRunKind;
  readonly ctx: RunContext;
  readonly startedAt: number;
  readonly live: { progress: SyncProgress };
  readonly promise: Promise<SyncSummary>;
}

export interface StreamProgress {
  /** `stopped`: the run failed or its process died; the next scheduled sync resumes it from its cursor. */
  readonly state: 'none' | 'running' | 'done' | 'stopped';
  readonly kind: SyncRunKind | null;
  readonly startedAt: number | null;
  readonly figures: StreamFigures | null;
  readonly error: string | null;
}

function figuresOf(p: SyncProgress): StreamFigures | null {
  if (typeof p.scored !== 'number') return null;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    total: num(p.total),
    scored: p.scored,
    written: num(p.written) ?? 0,
    remaining: num(p.remaining),
    contactsPerSecond: num(p.contactsPerSecond),
    etaSeconds: num(p.etaSeconds),
  };
}

export interface CurrentRun {
  readonly kind: SyncRunKind;
  readonly startedAt: number;
  readonly progress: SyncProgress;
}

function modifiedAt(kind: ObjectKind, r: CrmRecord): number {
  const parsed = Date.parse(r.properties[MODIFIED[kind]] ?? '');
  return Number.isFinite(parsed) ? parsed : r.updatedAt;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Keeps the store in step with HubSpot: a full sync streamed page by page with a persisted cursor
 * (a crash resumes where it stopped), incremental syncs through search by last-modified date, and a
 * reconcile that re-lists everything to catch deletions and anything missed. Each run ends by
 * scoring and writing back the contacts whose persona values changed. One run per portal at a time.
 */
export class SyncService {
  private readonly running = new Map<PortalId, RunningSync>();

  constructor(private readonly deps: SyncServiceDeps) {}

  currentRun(portalId: PortalId): CurrentRun | null {
    const r = this.running.get(portalId);
    return r ? { kind: r.kind, startedAt: r.startedAt, progress: r.live.progress } : null;
  }

  /**
   * How the portal's full sync stands, for the install page, the dashboard and the status API: the
   * run in this process, else the latest full sync or reconcile recorded (a run in another process
   * saves its progress every second). `figures` are null for a run that did not stream.
   */
  async streamProgress(portalId: PortalId): Promise<StreamProgress> {
    const mine = this.running.get(portalId);
    if (mine && (mine.kind === 'full' || mine.kind === 'reconcile')) {
      return { state: 'running', kind: mine.kind, startedAt: mine.startedAt, figures: figuresOf(mine.live.progress), error: null };
    }
    const run = (await this.deps.sync.recentRuns(portalId, 20)).find((r) => r.kind === 'full' || r.kind === 'reconcile');
    if (!run) return { state: 'none', kind: null, startedAt: null, figures: null, error: null };
    const state = run.status === 'running' ? 'running' : run.status === 'succeeded' ? 'done' : 'stopped';
    const figures = figuresOf(run.progress);
    return {
      state,
      kind: run.kind,
      startedAt: run.startedAt,
      figures: figures && state === 'done' ? { ...figures, remaining: 0, etaSeconds: 0 } : figures,
      error: run.error,
    };
  }

  /** Stops every run at its next page boundary (cursors stay, so the next run resumes) and waits for them. */
  async stop(): Promise<void> {
    const runs = [...this.running.values()];
    for (const r of runs) r.ctx.aborted = true;
    await Promise.allSettled(runs.map((r) => r.promise));
  }

  isRunning(portalId: PortalId): boolean {
    return this.running.has(portalId);
  }

  /** Full sync; a second caller while one runs joins it. */
  fullSync(portalId: PortalId, options: SyncOptions = {}): Promise<SyncSummary> {
    return this.exclusive(portalId, 'full', options, (ctx) => this.runFull(portalId, ctx));
  }

  incrementalSync(portalId: PortalId, options: SyncOptions = {}): Promise<SyncSummary> {
    return this.exclusive(portalId, 'incremental', options, (ctx) => this.runIncremental(portalId, ctx));
  }

  reconcile(portalId: PortalId, options: SyncOptions = {}): Promise<SyncSummary> {
    return this.exclusive(portalId, 'reconcile', options, (ctx) => this.runReconcile(portalId, ctx));
  }

  /** Rescores every stored contact with the live rule set and writes back what changed (no HubSpot reads). */
  rescore(portalId: PortalId, options: SyncOptions = {}): Promise<SyncSummary> {
    return this.exclusive(portalId, 'rescore', options, async (ctx) => {
      const { rescore, writeBack } = await this.deps.assignments.rescoreAndWriteBack(portalId, { reason: 'rescore', ...reportingTo(ctx) });
      return { contacts: 0, tickets: 0, purgedContacts: 0, purgedTickets: 0, rescore, writeBack };
    });
  }

  /** True until a full sync has completed: the portal's next sync must be (the rest of) a full one. */
  async needsFullSync(portalId: PortalId): Promise<boolean> {
    return (await this.deps.sync.getCursor(portalId, cursorKey.watermark('contacts'))) === null;
  }

  /** The scheduled sync: incremental once a full sync has completed, else the (resumed) full sync. */
  async scheduledSync(portalId: PortalId): Promise<SyncSummary | null> {
    if (this.isRunning(portalId)) return null;
    const watermark = await this.deps.sync.getCursor(portalId, cursorKey.watermark('contacts'));
    return watermark === null ? this.fullSync(portalId) : this.incrementalSync(portalId);
  }

  /**
   * Refetches contacts with batch reads (their ticket associations and those tickets too), stores
   * them, rescores them and writes back what changed. Contacts HubSpot no longer has are purged.
   * For the webhook worker and the card.
   */
  async refreshContacts(
    portalId: PortalId,
    contactIds: readonly string[],
  ): Promise<{ refreshed: number; purged: number; writeBack: WriteBackResult }> {
    const hubspot = this.deps.gateways.forPortal(portalId);
    const props = await this.properties(portalId);
    const { contactProperties, ticketProperties } = props;
    const ids = [...new Set(contactIds)];
    let refreshed = 0;
    let purged = 0;
    const now = this.deps.clock.now();
    for (let i = 0; i < ids.length; i += 100) {
      const part = ids.slice(i, i + 100);
      const found = await hubspot.readContacts(part, contactProperties);
      const foundIds = new Set(found.map((c) => c.id));
      const gone = part.filter((id) => !foundIds.has(id));
      if (gone.length > 0) await this.deps.crm.purgeContacts(portalId, gone);
      purged += gone.length;
      if (found.length === 0) continue;
      const links = await hubspot.ticketIdsOfContacts([...foundIds]);
      await this.storeMissingTickets(portalId, hubspot, links, ticketProperties);
      await this.deps.crm.upsertContacts(portalId, found.map(toStoredContact), now);
      await this.deps.crm.replaceContactTickets(
        portalId,
        [...foundIds],
        [...links].flatMap(([contactId, tickets]) => tickets.map((ticketId) => ({ contactId, ticketId }))),
      );
      await this.storeAccountLinks(portalId, hubspot, [...foundIds], props);
      refreshed += found.length;
    }
    const { writeBack } = await this.deps.assignments.rescoreAndWriteBack(portalId, {
      reason: 'refresh',
      contactIds: ids.filter((id) => id),
    });
    return { refreshed, purged, writeBack };
  }

  /** Refetches tickets and their contact associations, then rescores the contacts they touch. */
  async refreshTickets(
    portalId: PortalId,
    ticketIds: readonly string[],
  ): Promise<{ refreshed: number; deleted: number; contacts: number; writeBack: WriteBackResult }> {
    const hubspot = this.deps.gateways.forPortal(portalId);
    const { ticketProperties } = await this.properties(portalId);
    const ids = [...new Set(ticketIds)];
    const affected = new Set<string>();
    let refreshed = 0;
    let deleted = 0;
    for (let i = 0; i < ids.length; i += 100) {
      const part = ids.slice(i, i + 100);
      const found = await hubspot.readTickets(part, ticketProperties);
      const foundIds = new Set(found.map((t) => t.id));
      for (const id of part) for (const c of await this.deps.crm.contactIdsOfTicket(portalId, id)) affected.add(c);
      const gone = part.filter((id) => !foundIds.has(id));
      if (gone.length > 0) await this.deps.crm.deleteTickets(portalId, gone);
      deleted += gone.length;
      if (found.length === 0) continue;
      await this.deps.crm.upsertTickets(portalId, found.map(toStoredTicket), this.deps.clock.now());
      for (const c of await this.relinkTickets(portalId, hubspot, [...foundIds])) affected.add(c);
      refreshed += found.length;
    }
    const { writeBack } = await this.deps.assignments.rescoreAndWriteBack(portalId, { reason: 'refresh', contactIds: [...affected] });
    return { refreshed, deleted, contacts: affected.size, writeBack };
  }

  /**
   * Refetches companies (a company property changed, or one was deleted) and rescores the contacts
   * whose primary company they are; companies HubSpot no longer has are dropped with their links.
   */
  async refreshCompanies(
    portalId: PortalId,
    companyIds: readonly string[],
  ): Promise<{ refreshed: number; deleted: number; contacts: number; writeBack: WriteBackResult }> {
    const hubspot = this.deps.gateways.forPortal(portalId);
    const props = await this.properties(portalId);
    const ids = [...new Set(companyIds)];
    if (!props.access.companies || ids.length === 0) return { refreshed: 0, deleted: 0, contacts: 0, writeBack: emptyWriteBack() };
    const affected = await this.deps.crm.contactIdsOfCompanies(portalId, ids, { primaryOnly: true });
    let refreshed = 0;
    let deleted = 0;
    for (let i = 0; i < ids.length; i += 100) {
      const part = ids.slice(i, i + 100);
      const found = await hubspot.readCompanies(part, props.companyProperties);
      const foundIds = new Set(found.map((c) => c.id));
      const gone = part.filter((id) => !foundIds.has(id));
      if (gone.length > 0) await this.deps.crm.deleteCompanies(portalId, gone);
      deleted += gone.length;
      await this.deps.crm.upsertCompanies(portalId, found.map(toStoredCompany), this.deps.clock.now());
      refreshed += found.length;
    }
    await this.deps.assignments.rescore(portalId, affected, 'refresh');
    const writeBack = await this.deps.assignments.writeBack(portalId);
    return { refreshed, deleted, contacts: affected.length, writeBack };
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Brings these contacts' company and survey-response links in line with HubSpot (v4 batch reads,
   * at most 1,000 contacts), batch-reading the companies and responses the store does not hold yet.
   */
  private async storeAccountLinks(
    portalId: PortalId,
    hubspot: PortalHubSpot,
    contactIds: readonly string[],
    props: SyncProperties,
  ): Promise<void> {
    const now = this.deps.clock.now();
    for (let i = 0; i < contactIds.length; i += 1000) {
      const part = contactIds.slice(i, i + 1000);
      if (props.access.companies) {
        const links = await hubspot.companyLinksOfContacts(part);
        const all = [...links].flatMap(([contactId, list]) => list.map((l) => ({ contactId, companyId: l.companyId, primary: l.primary })));
        const named = [...new Set(all.map((l) => l.companyId))];
        const held = await this.deps.crm.companyIdsSyncedSince(portalId, named, 0);
        const missing = named.filter((id) => !held.has(id));
        for (let j = 0; j < missing.length; j += 100) {
          const found = await hubspot.readCompanies(missing.slice(j, j + 100), props.companyProperties);
          await this.deps.crm.upsertCompanies(portalId, found.map(toStoredCompany), now);
        }
        await this.deps.crm.replaceContactCompanies(portalId, part, all);
      }
      if (props.access.surveys) {
        const links = await hubspot.surveyIdsOfContacts(part);
        const all = [...links].flatMap(([contactId, list]) => list.map((surveyId) => ({ contactId, surveyId })));
        const named = [...new Set(all.map((l) => l.surveyId))];
        const held = await this.deps.crm.surveyIdsSyncedSince(portalId, named, 0);
        const missing = named.filter((id) => !held.has(id));
        for (let j = 0; j < missing.length; j += 100) {
          const found = await hubspot.readSurveys(missing.slice(j, j + 100), props.surveyProperties);
          await this.deps.crm.upsertSurveys(portalId, found.map(toStoredSurvey), now);
        }
        await this.deps.crm.replaceContactSurveys(portalId, part, all);
      }
    }
  }

  private async properties(portalId: PortalId): Promise<SyncProperties> {
    const live = await this.deps.ruleSets.live(portalId);
    const names = personaPropertyNames(live.ruleSet.property);
    const portal = await this.deps.portals.get(portalId);
    return {
      contactProperties: [
        ...new Set([
          ...live.compiled.contactProperties,
          names.persona,
          names.secondary,
          names.score,
          ...CARD_CONTACT_PROPERTIES,
          'associatedcompanyid',
          MODIFIED.contacts,
        ]),
      ],
      ticketProperties: [...new Set([...live.compiled.ticketProperties, 'subject', 'createdate', MODIFIED.tickets])],
      companyProperties: [...new Set([...live.compiled.companyProperties, ...CARD_COMPANY_PROPERTIES, MODIFIED.companies])],
      surveyProperties: [...new Set([...live.compiled.surveyProperties, ...CARD_SURVEY_PROPERTIES, MODIFIED.feedback_submissions])],
      access: accountAccess(portal?.scopes ?? []),
    };
  }

  /** The related-record readers of a listing: tickets always, companies and survey responses where the grant allows. */
  private readers(hubspot: PortalHubSpot, props: SyncProperties): RelatedRecordReader[] {
    const common = { crm: this.deps.crm, hubspot, clock: this.deps.clock };
    return [
      ticketReader({ ...common, properties: props.ticketProperties }),
      ...(props.access.companies ? [companyReader({ ...common, properties: props.companyProperties })] : []),
      ...(props.access.surveys ? [surveyReader({ ...common, properties: props.surveyProperties })] : []),
    ];
  }

  private exclusive(
    portalId: PortalId,
    kind: SyncRunKind,
    options: SyncOptions,
    body: (ctx: RunContext) => Promise<Omit<SyncSummary, 'runId' | 'kind'>>,
  ): Promise<SyncSummary> {
    const current = this.running.get(portalId);
    if (current) {
      if (current.kind === kind) return current.promise;
      return Promise.reject(new AppError('conflict', `A ${current.kind} sync of portal ${portalId} is already running`));
    }
    const startedAt = this.deps.clock.now();
    const live: { progress: SyncProgress } = { progress: { done: 0 } };
    let lastSaved = 0;
    const ctx: RunContext = {
      aborted: false,
      progress: (phase, done, total, figures) => {
        const progress: SyncProgress = { ...live.progress, phase, done, total, [phase]: done, ...figures };
        live.progress = progress;
        options.onProgress?.({ phase, done, total, ...(figures ? { figures } : {}) });
        const now = Date.now();
        if (runId !== null && now - lastSaved > 1_000) {
          lastSaved = now;
          void this.deps.sync.updateRun(runId, progress).catch(() => undefined);
        }
      },
    };
    let runId: number | null = null;
    const paused = () => {
      ctx.aborted = true;
    };
    if (options.signal?.aborted) paused();
    options.signal?.addEventListener('abort', paused, { once: true });
    const promise = (async (): Promise<SyncSummary> => {
      const portal = await this.deps.portals.get(portalId);
      if (!portal || portal.state === 'uninstalled') throw new AppError('not_found', `Portal ${portalId} is not installed`);
      const run = await this.deps.sync.startRun(portalId, kind, startedAt);
      runId = run.id;
      try {
        const result = await body(ctx);
        if (ctx.aborted) throw new Error('the sync was stopped; the next run resumes where it stopped');
        // A streamed run's figures count the runs it resumed too; they win over this run's own counters.
        await this.deps.sync.updateRun(run.id, { ...summaryCounters(result), ...live.progress });
        const failed = result.writeBack.failed;
        await this.deps.sync.finishRun(
          run.id,
          'succeeded',
          failed > 0 ? `${failed} persona write(s) failed and stay pending: ${result.writeBack.errors[0] ?? ''}` : null,
          this.deps.clock.now(),
        );
        this.deps.logger.info({ portalId, kind, ...summaryCounters(result) }, 'sync finished');
        return { runId: run.id, kind, ...result };
      } catch (err) {
        const pausedBySignal = options.signal?.aborted === true;
        ctx.aborted = true;
        if (pausedBySignal) {
          await this.deps.sync
            .finishRun(run.id, 'interrupted', 'paused; the next run resumes where it stopped', this.deps.clock.now())
            .catch(() => undefined);
          this.deps.logger.info({ portalId, kind, ...live.progress }, 'sync paused');
          throw new SyncPausedError(portalId);
        }
        await this.deps.sync.finishRun(run.id, 'failed', errorText(err), this.deps.clock.now()).catch(() => undefined);
        this.deps.logger.warn({ portalId, kind, err }, 'sync failed');
        throw err;
      }
    })().finally(() => {
      options.signal?.removeEventListener('abort', paused);
      this.running.delete(portalId);
    });
    const entry: RunningSync = { kind, ctx, startedAt, live, promise };
    this.running.set(portalId, entry);
    return promise;
  }

  private async runFull(portalId: PortalId, ctx: RunContext): Promise<Omit<SyncSummary, 'runId' | 'kind'>> {
    const { sync } = this.deps;
    let state = await sync.getCursor(portalId, cursorKey.fullState);
    if (state === null) {
      state = String(this.deps.clock.now());
      await sync.setCursor(portalId, cursorKey.fullState, state, this.deps.clock.now());
    }
    const startedAt = Number(state);
    const earlier = parseDone(await sync.getCursor(portalId, cursorKey.fullDone));
    const counts = await this.stream(portalId, ctx, {
      cursor: cursorKey.full('contacts'),
      since: startedAt,
      reason: 'sync',
      earlier,
      onPageDone: async (done) => {
        await sync.setCursor(
          portalId,
          cursorKey.fullDone,
          JSON.stringify({ contacts: earlier.contacts + done.contactsDone, written: earlier.written + done.written }),
          this.deps.clock.now(),
        );
      },
    });
    stopIfAborted(ctx);
    const sweep = await this.writeLeftovers(portalId, ctx);
    const now = this.deps.clock.now();
    for (const kind of INCREMENTAL_KINDS) await sync.setCursor(portalId, cursorKey.watermark(kind), String(startedAt), now);
    for (const key of [cursorKey.full('contacts'), cursorKey.fullDone, cursorKey.fullState]) await sync.clearCursor(portalId, key);
    return summaryOf(counts, sweep, 0, 0);
  }

  private async runReconcile(portalId: PortalId, ctx: RunContext): Promise<Omit<SyncSummary, 'runId' | 'kind'>> {
    const startedAt = this.deps.clock.now();
    const seenContacts = new Set<string>();
    const seenTickets = new Set<string>();
    const counts = await this.stream(portalId, ctx, {
      cursor: null,
      since: startedAt,
      reason: 'reconcile',
      earlier: { contacts: 0, written: 0 },
      onListed: (contacts) => {
        for (const c of contacts) {
          seenContacts.add(c.id);
          for (const t of c.ticketIds ?? []) seenTickets.add(t);
        }
      },
    });
    // Purging after a partial listing would delete what was merely not reached.
    stopIfAborted(ctx);
    const purgedContacts = await this.purgeUnseen(portalId, 'contacts', seenContacts, ctx);
    const purgedTickets = await this.purgeUnseen(portalId, 'tickets', seenTickets, ctx);
    const sweep = await this.writeLeftovers(portalId, ctx);
    const now = this.deps.clock.now();
    for (const kind of INCREMENTAL_KINDS) {
      const current = Number((await this.deps.sync.getCursor(portalId, cursorKey.watermark(kind))) ?? 0);
      await this.deps.sync.setCursor(portalId, cursorKey.watermark(kind), String(Math.max(current, startedAt)), now);
    }
    return summaryOf(counts, sweep, purgedContacts, purgedTickets);
  }

  /**
   * Lists every contact page by page, each stored with its tickets, scored and written back while
   * the next pages are listed (streamContacts), reporting scored, written and remaining contacts
   * with the time to go at the measured rate.
   */
  private async stream(
    portalId: PortalId,
    ctx: RunContext,
    options: {
      cursor: string | null;
      since: number;
      reason: string;
      earlier: { contacts: number; written: number };
      onListed?: (contacts: readonly { id: string; ticketIds: readonly string[] | null }[]) => void;
      onPageDone?: (done: { contactsDone: number; written: number }) => Promise<void>;
    },
  ): Promise<StreamCounts> {
    const hubspot = this.deps.gateways.forPortal(portalId);
    const props = await this.properties(portalId);
    const meter = new ProgressMeter(null);
    const { earlier } = options;
    let counts: StreamCounts | null = null;
    const report = (c: Readonly<StreamCounts>) => {
      const figures = meter.figures(this.deps.clock.now(), earlier.contacts + c.scored, earlier.written + c.written);
      ctx.progress('stream', figures.scored, figures.total, {
        ...figures,
        contacts: earlier.contacts + c.contacts,
        tickets: c.related.tickets ?? 0,
      } as StreamFigures);
    };
    const none: StreamCounts = {
      contacts: 0,
      related: {},
      scored: 0,
      changed: 0,
      overrides: 0,
      written: 0,
      writeFailures: 0,
      purged: 0,
      writeRequests: 0,
      writeErrors: [],
    };
    report(none);
    // The total only feeds the progress figures. It is asked for once the first page is written: a
    // count can take long on a large portal, and the first personas must not wait for it.
    let streaming = true;
    let counted: Promise<void> | null = null;
    const countContacts = () => {
      counted ??= hubspot.countObjects('contacts').then(
        (total) => {
          meter.setTotal(total);
          if (streaming) report(counts ?? none);
        },
        () => undefined,
      );
    };
    try {
      counts = await streamContacts(
        { crm: this.deps.crm, sync: this.deps.sync, assignments: this.deps.assignments, clock: this.deps.clock },
        {
          portalId,
          hubspot,
          contactProperties: props.contactProperties,
          readers: this.readers(hubspot, props),
          cursorKey: options.cursor,
          since: options.since,
          reason: options.reason,
          stopped: () => ctx.aborted,
          onListed: options.onListed,
          onProgress: (c) => {
            counts = c as StreamCounts;
            report(c);
          },
          onPageDone: async ({ page, contactsDone }) => {
            countContacts();
            await options.onPageDone?.({ contactsDone, written: counts?.written ?? 0 });
            await this.deps.hooks?.afterPage?.({ portalId, stream: 'contacts', page });
          },
        },
      );
      // The final figures name the total even when the listing outran the count.
      countContacts();
      await counted;
      report(counts);
      return counts;
    } finally {
      streaming = false;
    }
  }

  /** Writes what earlier runs left pending (failed writes, a crash between scoring and writing); usually nothing. */
  private writeLeftovers(portalId: PortalId, ctx: RunContext): Promise<WriteBackResult> {
    return this.deps.assignments.writeBack(portalId, { shouldStop: () => ctx.aborted });
  }

  private async purgeUnseen(portalId: PortalId, kind: ObjectKind, seen: Set<string>, ctx: RunContext): Promise<number> {
    let after: string | null = null;
    let purged = 0;
    for (;;) {
      const ids: string[] =
        kind === 'contacts'
          ? await this.deps.crm.listContactIds(portalId, after, 1000)
          : await this.deps.crm.listTicketIds(portalId, after, 1000);
      if (ids.length === 0) break;
      after = ids[ids.length - 1];
      const gone = ids.filter((id) => !seen.has(id));
      if (gone.length > 0) {
        if (kind === 'contacts') await this.deps.crm.purgeContacts(portalId, gone);
        else await this.deps.crm.deleteTickets(portalId, gone);
        purged += gone.length;
        ctx.progress('purge', purged, null);
      }
    }
    return purged;
  }

  private async runIncremental(portalId: PortalId, ctx: RunContext): Promise<Omit<SyncSummary, 'runId' | 'kind'>> {
    const hubspot = this.deps.gateways.forPortal(portalId);
    const props = await this.properties(portalId);
    const changedContacts = new Set<string>();
    const counts: Record<ObjectKind, number> = { contacts: 0, tickets: 0, companies: 0, feedback_submissions: 0 };
    const contactsWatermark = await this.deps.sync.getCursor(portalId, cursorKey.watermark('contacts'));
    if (contactsWatermark === null) throw new AppError('conflict', `Portal ${portalId} has no completed full sync yet`);
    const kinds = INCREMENTAL_KINDS.filter((kind) =>
      kind === 'companies' ? props.access.companies : kind === 'feedback_submissions' ? props.access.surveys : true,
    );
    for (const kind of kinds) {
      const key = cursorKey.watermark(kind);
      // A portal synced before companies and responses were read starts them where contacts stand.
      const watermark = (await this.deps.sync.getCursor(portalId, key)) ?? contactsWatermark;
      let since = Number(watermark) - (this.deps.searchOverlapMs ?? 60_000);
      let after: number | null = null;
      let highest = Number(watermark);
      while (!ctx.aborted) {
        const page = await hubspot.searchModifiedSince(kind, { since, after, properties: propertiesOf(props, kind) });
        if (page.results.length > 0) {
          if (kind === 'contacts') await this.storeChangedContacts(portalId, hubspot, page.results, props);
          else if (kind === 'tickets')
            for (const c of await this.storeChangedTickets(portalId, hubspot, page.results)) changedContacts.add(c);
          else if (kind === 'companies') for (const c of await this.storeChangedCompanies(portalId, page.results)) changedContacts.add(c);
          else for (const c of await this.storeChangedSurveys(portalId, hubspot, page.results, props)) changedContacts.add(c);
          if (kind === 'contacts') for (const c of page.results) changedContacts.add(c.id);
          counts[kind] += page.results.length;
          const last = modifiedAt(kind, page.results[page.results.length - 1]);
          highest = Math.max(highest, last);
          // Sorted ascending: everything before the last record's time is stored, so resume there (GTE re-reads ties).
          await this.deps.sync.setCursor(portalId, key, String(highest), this.deps.clock.now());
          ctx.progress(kind, counts[kind], page.total);
        }
        if (page.nextAfter === null) break;
        if (page.nextAfter + SEARCH_PAGE > SEARCH_RESULT_CAP) {
          // Search stops at 10,000 results: start a new window at the last time seen.
          const next = modifiedAt(kind, page.results[page.results.length - 1]);
          if (next <= since) {
            this.deps.logger.warn({ portalId, kind, since }, 'more than 10,000 records share one modification time; skipping ahead 1 ms');
            since += 1;
          } else {
            since = next;
          }
          after = null;
        } else {
          after = page.nextAfter;
        }
      }
    }
    stopIfAborted(ctx);
    const { rescore, writeBack } = await this.deps.assignments.rescoreAndWriteBack(portalId, {
      reason: 'sync',
      contactIds: [...changedContacts],
      ...reportingTo(ctx),
    });
    return { contacts: counts.contacts, tickets: counts.tickets, purgedContacts: 0, purgedTickets: 0, rescore, writeBack };
  }

  private async storeChangedContacts(
    portalId: PortalId,
    hubspot: PortalHubSpot,
    records: readonly CrmRecord[],
    props: SyncProperties,
  ): Promise<void> {
    const ids = records.map((r) => r.id);
    const links = await hubspot.ticketIdsOfContacts(ids);
    await this.storeMissingTickets(portalId, hubspot, links, props.ticketProperties);
    await this.deps.crm.upsertContacts(portalId, records.map(toStoredContact), this.deps.clock.now());
    await this.deps.crm.replaceContactTickets(
      portalId,
      ids,
      [...links].flatMap(([contactId, tickets]) => tickets.map((ticketId) => ({ contactId, ticketId }))),
    );
    // A changed primary company changes associatedcompanyid, so the contact shows up here; so does any contact whose links changed.
    await this.storeAccountLinks(portalId, hubspot, ids, props);
  }

  /** Stores changed companies; returns the contacts whose primary company they are. */
  private async storeChangedCompanies(portalId: PortalId, records: readonly CrmRecord[]): Promise<string[]> {
    await this.deps.crm.upsertCompanies(portalId, records.map(toStoredCompany), this.deps.clock.now());
    return this.deps.crm.contactIdsOfCompanies(
      portalId,
      records.map((r) => r.id),
      { primaryOnly: true },
    );
  }

  /** Stores new or changed survey responses and relinks the stored contacts they belong to; returns those contacts. */
  private async storeChangedSurveys(
    portalId: PortalId,
    hubspot: PortalHubSpot,
    records: readonly CrmRecord[],
    props: SyncProperties,
  ): Promise<string[]> {
    await this.deps.crm.upsertSurveys(portalId, records.map(toStoredSurvey), this.deps.clock.now());
    const owners = await hubspot.contactIdsOfSurveys(records.map((r) => r.id));
    const named = [...new Set([...owners.values()].flat())];
    const held = [...(await this.deps.crm.getContactsWithTickets(portalId, named)).keys()];
    if (held.length > 0) await this.storeAccountLinks(portalId, hubspot, held, { ...props, access: { companies: false, surveys: true } });
    return held;
  }

  /** Stores changed tickets, brings their contact links in line with HubSpot and returns the contacts they touch. */
  private async storeChangedTickets(portalId: PortalId, hubspot: PortalHubSpot, records: readonly CrmRecord[]): Promise<string[]> {
    await this.deps.crm.upsertTickets(portalId, records.map(toStoredTicket), this.deps.clock.now());
    return this.relinkTickets(
      portalId,
      hubspot,
      records.map((r) => r.id),
    );
  }

  private async relinkTickets(portalId: PortalId, hubspot: PortalHubSpot, ticketIds: readonly string[]): Promise<string[]> {
    const affected = new Set<string>();
    const hub = await hubspot.contactIdsOfTickets(ticketIds);
    const add: ContactTicketLink[] = [];
    const remove: ContactTicketLink[] = [];
    for (const ticketId of ticketIds) {
      const now = new Set(hub.get(ticketId) ?? []);
      const before = new Set(await this.deps.crm.contactIdsOfTicket(portalId, ticketId));
      for (const contactId of now) if (!before.has(contactId)) add.push({ contactId, ticketId });
      for (const contactId of before) if (!now.has(contactId)) remove.push({ contactId, ticketId });
      for (const c of [...now, ...before]) affected.add(c);
    }
    // Only contacts we hold can be linked; the others arrive with their own sync.
    const known = await this.deps.crm.getContactsWithTickets(portalId, [...new Set(add.map((l) => l.contactId))]);
    const linkable = add.filter((l) => known.has(l.contactId));
    if (linkable.length > 0) await this.deps.crm.link(portalId, linkable);
    if (remove.length > 0) await this.deps.crm.unlink(portalId, remove);
    return [...affected];
  }

  /** Batch-reads the linked tickets the store does not hold yet for these contacts (one store query, no per-ticket lookups). */
  private async storeMissingTickets(
    portalId: PortalId,
    hubspot: PortalHubSpot,
    links: Map<string, string[]>,
    properties: readonly string[],
  ): Promise<void> {
    const stored = await this.deps.crm.getContactsWithTickets(portalId, [...links.keys()]);
    const known = new Set([...stored.values()].flatMap((c) => c.tickets.map((t) => t.id)));
    const missing = [...new Set([...links.values()].flat())].filter((id) => !known.has(id));
    for (let i = 0; i < missing.length; i += 100) {
      const found = await hubspot.readTickets(missing.slice(i, i + 100), properties);
      if (found.length > 0) await this.deps.crm.upsertTickets(portalId, found.map(toStoredTicket), this.deps.clock.now());
    }
  }
}

function propertiesOf(props: SyncProperties, kind: ObjectKind): string[] {
  if (kind === 'contacts') return props.contactProperties;
  if (kind === 'tickets') return props.ticketProperties;
  return kind === 'companies' ? props.companyProperties : props.surveyProperties;
}

function emptyWriteBack(): WriteBackResult {
  return { written: 0, failed: 0, purged: 0, requests: 0, errors: [] };
}

function stopIfAborted(ctx: RunContext): void {
  if (ctx.aborted) throw new Error('the sync was stopped; the next run resumes where it stopped');
}

interface SyncProperties {
  readonly contactProperties: string[];
  readonly ticketProperties: string[];
  readonly companyProperties: string[];
  readonly surveyProperties: string[];
  readonly access: AccountAccess;
}

interface RunContext {
  aborted: boolean;
  progress(phase: SyncPhase, done: number, total: number | null, figures?: StreamFigures): void;
}

function summaryCounters(s: Omit<SyncSummary, 'runId' | 'kind'>): Record<string, number> {
  return {
    contacts: s.contacts,
    tickets: s.tickets,
    purgedContacts: s.purgedContacts,
    purgedTickets: s.purgedTickets,
    scored: s.rescore.scored,
    changed: s.rescore.changed,
    written: s.writeBack.written,
    writeFailures: s.writeBack.failed,
  };
}

function parseDone(saved: string | null): { contacts: number; written: number } {
  try {
    const parsed = JSON.parse(saved ?? 'null') as { contacts?: unknown; written?: unknown } | null;
    return { contacts: Number(parsed?.contacts) || 0, written: Number(parsed?.written) || 0 };
  } catch {
    return { contacts: 0, written: 0 };
  }
}

function summaryOf(
  c: StreamCounts,
  sweep: WriteBackResult,
  purgedContacts: number,
  purgedTickets: number,
): Omit<SyncSummary, 'runId' | 'kind'> {
  return {
    contacts: c.contacts,
    tickets: c.related.tickets ?? 0,
    purgedContacts,
    purgedTickets,
    rescore: { scored: c.scored, changed: c.changed, overrides: c.overrides },
    writeBack: {
      written: c.written + sweep.written,
      failed: sweep.failed,
      purged: c.purged + sweep.purged,
      requests: c.writeRequests + sweep.requests,
      errors: sweep.errors,
    },
  };
}

/** A run's progress and stop signal, as the assignment service takes them. */
function reportingTo(ctx: RunContext) {
  return {
    onProgress: (phase: 'assign' | 'write', p: { done: number; total: number | null }) => ctx.progress(phase, p.done, p.total),
    shouldStop: () => ctx.aborted,
  };
}
