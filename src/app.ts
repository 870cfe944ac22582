import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Express, Router } from 'express';
import { createAdmin } from './admin/create-admin';
import { CardQueryService } from './card-api/card-query-service';
import { createCardRoutes } from './card-api/card-routes';
import { createCompanyCardRoutes } from './card-api/company-card-routes';
import { CompanyCardService } from './card-api/company-card-service';
import { createInsightsRoutes } from './insights/insights-routes';
import { InsightsService } from './insights/insights-service';
import { identifyWithOAuth, SIGNIN_CALLBACK_PATH } from './admin/signin-routes';
import { ApiUsageRecorder } from './hubspot/api-usage-recorder';
import type { RetryPolicy } from './hubspot/retry-policy';
import { SdkAutomationReader } from './hubspot/automation-reader';
import { SdkGateways } from './hubspot/sdk-gateway';
import { createHttpApp } from './http/create-http-app';
import { optionalScopes, requiredScopes } from './install/app-scopes';
import { InstallService } from './install/install-service';
import { OAuthClient } from './install/oauth-client';
import { InstallProgressLinks, installProgressSecret } from './install/install-progress';
import { createInstallProgressRoutes, type InstallProgressSource } from './install/install-progress-page';
import { createOAuthRoutes } from './install/oauth-routes';
import { createPublishImpactRoutes } from './admin/publish-impact-routes';
import { PublishImpactService } from './personas/publish-impact';
import { PersonaPropertySetup } from './install/persona-property-setup';
import { TokenCrypto } from './install/token-crypto';
import { TokenService } from './install/token-service';
import { InProcessJobRunner } from './jobs/in-process-job-runner';
import type { JobRunner } from './jobs/job-runner';
import { PgBossJobRunner } from './jobs/pg-boss-job-runner';
import { InProcessPortalMutex, PgPortalMutex, type PortalMutex } from './jobs/portal-mutex';
import { AppMetrics } from './metrics/app-metrics';
import { AssignmentService } from './personas/assignment-service';
import { RuleSetService } from './personas/rule-set-service';
import { systemClock, type Clock } from './platform/clock';
import type { AppConfig } from './platform/config';
import type { Logger } from './platform/logger';
import { openStorage, type Storage } from './storage/connect';
import { createStores, type Stores } from './storage/stores';
import { WHAT_THEY_SAY_SHOWN } from './crm/crm-store';
import type { HubSpotGateways } from './crm/hubspot-port';
import { createPortalStatusRoutes } from './sync/portal-status-routes';
import { defineSyncJobs, SYNC_JOBS } from './sync/sync-jobs';
import { SyncService } from './sync/sync-service';
import type { SyncHooks } from './sync/sync-deps';
import { CommitteeService } from './committee/committee-service';
import { DiscoveryRuns } from './insights/discovery-runs';
import { defineInsightsJobs, INSIGHTS_JOBS } from './insights/insights-jobs';
import { defineWebhookJobs } from './webhook-receiver/webhook-jobs';
import { createWebhookReceiver } from './webhook-receiver/webhook-receiver';
import { createWorkflowActionRoutes } from './workflow-action/workflow-action-routes';
import { WorkflowPersonaService } from './workflow-action/workflow-persona-service';

/**
 * The composition root: the only place that builds concrete stores, the HubSpot gateway,
 * services, routes and jobs. Everything else receives what it needs.
 */
export interface BuildAppOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Tests hand in an opened storage (an in-memory SQLite or a PostgreSQL schema). */
  readonly storage?: Storage;
  readonly tuning?: AppTuning;
}

/** Knobs for tests, the demo and benchmarks; production uses the defaults. */
export interface AppTuning {
  readonly retry?: Partial<RetryPolicy>;
  readonly tokenRefreshMarginMs?: number;
  readonly tokenRetryDelaysMs?: readonly number[];
  /** The fetch used for OAuth token calls (tests count them). */
  readonly oauthFetch?: typeof fetch;
  readonly syncHooks?: SyncHooks;
  /** Start the first full sync in the background right after an install (default true). */
  readonly syncOnInstall?: boolean;
  readonly writeConcurrency?: number;
  readonly maxConcurrentRequests?: number;
  readonly scopes?: readonly string[];
  readonly optionalScopes?: readonly string[];
}

export interface AppServices {
  readonly tokens: TokenService;
  readonly install: InstallService;
  readonly sync: SyncService;
  readonly assignments: AssignmentService;
  readonly ruleSets: RuleSetService;
  readonly propertySetup: PersonaPropertySetup;
  readonly gateways: HubSpotGateways;
  readonly usage: ApiUsageRecorder;
  readonly jobs: JobRunner;
  readonly insights: InsightsService;
  readonly metrics: AppMetrics;
  readonly committee: CommitteeService;
}

export interface App {
  readonly http: Express;
  readonly stores: Stores;
  readonly storage: Storage;
  readonly services: AppServices;
  /** Starts background work as the role says: jobs, schedules and the webhook worker (web: queuing only). */
  start(): Promise<void>;
  /** Stops background work and closes storage; in-flight requests are the server's to drain. */
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
/** HubSpot retries a workflow action for up to three days. */
const WORKFLOW_ANSWER_RETENTION_MS = 7 * DAY_MS;

export async function buildApp(options: BuildAppOptions): Promise<App> {
  const { config, logger } = options;
  const tuning = options.tuning ?? {};
  const clock = options.clock ?? systemClock;
  const storage = options.storage ?? (await openStorage(config.databaseUrl, { schema: config.databaseSchema }));
  const stores = createStores(storage);
  const scopes = tuning.scopes ?? requiredScopes();
  const optional = tuning.optionalScopes ?? optionalScopes();
  const role = config.role;
  const doesBackgroundWork = role !== 'web';

  // --- Observability and the job runner: in memory for the one SQLite process, pg-boss on PostgreSQL ---
  const metrics = new AppMetrics({
    role,
    cluster: doesBackgroundWork
      ? {
          inboxBacklog: () => stores.inbox.backlog(),
          runningSyncs: async () =>
            (await stores.sync.runningRuns()).map((r) => ({
              portalId: r.portalId,
              kind: r.kind,
              phase: r.progress.phase ?? null,
              done: r.progress.done,
            })),
          syncedUpTo: async () =>
            (await stores.sync.cursorsOf('incremental:contacts')).map((c) => ({ portalId: c.portalId, at: Number(c.cursor) })),
          pendingWrites: () => stores.assignments.pendingWritesByPortal(),
          now: () => clock.now(),
        }
      : undefined,
  });
  const concurrency = { long: config.scale.concurrency, short: Math.max(4, Math.ceil(config.scale.concurrency / 4)) };
  const jobs: JobRunner = storage.postgres
    ? new PgBossJobRunner({
        connectionString: storage.postgres.url,
        schema: `${storage.postgres.schema ?? 'personas'}_jobs`,
        logger,
        concurrency,
        expireSeconds: config.scale.jobExpireSeconds,
        maintenanceSeconds: config.scale.maintenanceSeconds,
        observer: metrics,
      })
    : new InProcessJobRunner({ logger, concurrency, observer: metrics });
  const installedPortals = async () => (await stores.portals.list()).filter((p) => p.state === 'installed').map((p) => p.portalId);

  // --- HubSpot access: tokens, the per-portal gateway, API usage ---
  const oauth = new OAuthClient({
    apiBaseUrl: config.hubspot.apiBaseUrl,
    clientId: config.hubspot.clientId,
    clientSecret: config.hubspot.clientSecret,
    redirectUri: `${config.appBaseUrl}/oauth/callback`,
    fetch: tuning.oauthFetch,
  });
  const tokens = new TokenService({
    portals: stores.portals,
    crypto: new TokenCrypto(config.encryptionKey),
    oauth,
    clock,
    logger,
    refreshMarginMs: tuning.tokenRefreshMarginMs,
    transientRetryDelaysMs: tuning.tokenRetryDelaysMs,
  });
  const usage = new ApiUsageRecorder({
    sync: stores.sync,
    logger,
    now: () => clock.now(),
    observe: (portalId, delta) => metrics.hubspotCall(portalId, delta),
  });
  const gateways = new SdkGateways({
    apiBaseUrl: config.hubspot.apiBaseUrl,
    tokens,
    usage,
    logger,
    retry: tuning.retry,
    ratePer10s: config.hubspot.ratePer10s,
    searchPerSecond: config.hubspot.searchPerSecond,
    maxConcurrent: tuning.maxConcurrentRequests,
    redisUrl: config.redisUrl,
    requestTimeoutMs: config.hubspot.requestTimeoutMs,
  });

  // --- Personas, sync, install ---
  // Read when a portal is seeded, not at start: editing the file affects the next install.
  const defaultRuleSet = () => JSON.parse(readFileSync(path.resolve(config.personasConfigPath), 'utf8')) as unknown;
  const ruleSets = new RuleSetService({ ruleSets: stores.ruleSets, clock, defaultRuleSet });
  const assignments = new AssignmentService({
    crm: stores.crm,
    assignments: stores.assignments,
    ruleSets,
    gateways,
    clock,
    logger,
    writeConcurrency: tuning.writeConcurrency,
  });
  // The buying committee on companies: recomputed after a sync run or a publish, and for the companies a webhook concerns.
  // One portal's recomputes run one at a time in the whole cluster: an advisory lock on PostgreSQL (other key space than the job locks).
  const committeeMutex: PortalMutex = storage.postgres
    ? new PgPortalMutex({
        connectionString: storage.postgres.url,
        namespace: `personas:${storage.postgres.schema ?? 'personas'}:committee`,
        logger,
      })
    : new InProcessPortalMutex();
  const committee = new CommitteeService({
    crm: stores.crm,
    gateways,
    ruleSet: async (portalId) => (await ruleSets.live(portalId)).ruleSet,
    grantedScopes: async (portalId) => (await stores.portals.get(portalId))?.scopes ?? [],
    clock,
    logger,
    exclusive: (portalId, task) => committeeMutex.exclusive(portalId, task),
  });
  // A failed recompute is logged, not retried here: the next run compares against what was last written and catches up.
  const committeeFailed = (portalId: number) => (err: unknown) =>
    logger.warn({ portalId, err: err instanceof Error ? err.message : String(err) }, 'buying committee could not be written');
  const refreshAllCompanies = (portalId: number) => committee.refreshAll(portalId).then(() => undefined, committeeFailed(portalId));
  /** Runs a change to these contacts (an admin's override, the card's recompute), then rewrites the companies they were and are on. */
  const withCompaniesOf = async <T>(portalId: number, contactIds: readonly string[], change: () => Promise<T>): Promise<T> => {
    const before = await committee.companiesOfContacts(portalId, contactIds);
    const result = await change();
    const after = await committee.companiesOfContacts(portalId, contactIds);
    await committee.refreshCompanies(portalId, [...before, ...after]).catch(committeeFailed(portalId));
    return result;
  };
  const sync = new SyncService({
    crm: stores.crm,
    sync: stores.sync,
    portals: stores.portals,
    ruleSets,
    assignments,
    gateways,
    clock,
    logger,
    hooks: tuning.syncHooks,
    afterRun: (portalId) => refreshAllCompanies(portalId),
    afterCompanies: (portalId, companyIds) =>
      committee.refreshCompanies(portalId, companyIds).then(() => undefined, committeeFailed(portalId)),
  });
  const propertySetup = new PersonaPropertySetup({ gateways, logger });
  const install = new InstallService({
    portals: stores.portals,
    oauth,
    tokens,
    ruleSets,
    properties: propertySetup,
    clock,
    logger,
    onInstalled:
      tuning.syncOnInstall === false
        ? undefined
        : (portalId) => {
            jobs
              .enqueue(SYNC_JOBS.full, portalId)
              .catch((err: unknown) =>
                logger.warn({ portalId, err: err instanceof Error ? err.message : String(err) }, 'could not queue the first sync'),
              );
          },
  });
  defineSyncJobs({
    runner: jobs,
    sync,
    syncStore: stores.sync,
    installedPortals,
    logger,
    sliceMs: config.scale.syncSliceMs,
    crons: { sync: config.jobs.syncCron, reconcile: config.jobs.reconcileCron },
  });
  jobs.schedule({ name: 'oauth-states', cron: config.jobs.reconcileCron, run: () => stores.oauthStates.purgeExpired(clock.now()) });

  // --- Insights: discovery, pilot validation, drift reviews over stored snapshots ---
  const insights = new InsightsService({
    contacts: stores.analysisContacts,
    assignments: stores.snapshots,
    reports: stores.reports,
    pilots: stores.pilots,
    ruleSets: { live: async (portalId) => (await ruleSets.live(portalId)).ruleSet },
    clock,
  });
  const discoveryRuns = new DiscoveryRuns({
    runs: stores.discoveryRuns,
    enqueue: (portalId, runId) => jobs.enqueue(INSIGHTS_JOBS.discovery, portalId, { runId }),
    discover: (portalId, progress) => insights.discover(portalId, progress),
    now: () => clock.now(),
  });
  defineInsightsJobs({
    runner: jobs,
    insights,
    discoveryRuns,
    installedPortals,
    now: () => clock.now(),
    rescore: (id) => sync.rescore(id),
    snapshot: async (id, purgeBefore) => {
      await stores.snapshots.take(id, (await ruleSets.live(id)).ruleSet.unassigned.id, clock.now());
      await stores.snapshots.purgeBefore(id, purgeBefore);
    },
    crons: { nightly: config.jobs.rescoreCron, quarterly: config.jobs.reviewCron },
  });
  jobs.schedule({
    name: 'workflow-callbacks',
    cron: config.jobs.reconcileCron,
    run: () => stores.workflowCallbacks.purgeBefore(clock.now() - WORKFLOW_ANSWER_RETENTION_MS),
  });

  // --- HTTP ---
  // The install page follows the first sync through a signed link, with no admin session.
  const installProgress: InstallProgressSource = {
    links: new InstallProgressLinks(installProgressSecret(config.encryptionKey)),
    read: async (portalId) => {
      const p = await sync.streamProgress(portalId);
      const f = p.figures;
      return {
        state: p.state === 'none' ? 'starting' : p.state === 'running' ? 'syncing' : p.state,
        total: f?.total ?? null,
        scored: f?.scored ?? 0,
        written: f?.written ?? 0,
        remaining: f?.remaining ?? null,
        contactsPerSecond: f?.contactsPerSecond ?? null,
        etaSeconds: f?.etaSeconds ?? null,
      };
    },
  };
  const routers: Router[] = [
    createOAuthRoutes({
      states: stores.oauthStates,
      install,
      clock,
      logger,
      clientId: config.hubspot.clientId,
      appBaseUrl: config.appBaseUrl,
      authBaseUrl: config.hubspot.authBaseUrl,
      scopes,
      optionalScopes: optional,
      progress: installProgress,
    }),
    createInstallProgressRoutes({ source: installProgress, clock }),
  ];

  // --- Webhooks: signed intake into the inbox, drained by this process's worker loop (SQLite) or by per-portal jobs ---
  let notifyJobs: ((portalIds: readonly number[]) => void) | undefined;
  const webhooks = createWebhookReceiver({
    inbox: stores.inbox,
    crm: stores.crm,
    assignments: stores.assignments,
    refresher: sync,
    committee,
    rules: { live: async (portalId) => (await ruleSets.live(portalId)).compiled },
    clientSecret: config.hubspot.clientSecret,
    appBaseUrl: config.appBaseUrl,
    appId: config.hubspot.appId,
    clock,
    logger,
    // One SQLite file has one worker, so at start every claim left behind belongs to a dead process.
    worker: { staleAfterMs: storage.dialect === 'sqlite' ? 0 : 60_000 },
    onEnqueued: jobs.kind === 'pg-boss' ? (portalIds) => notifyJobs?.(portalIds) : undefined,
  });
  if (jobs.kind === 'pg-boss') {
    notifyJobs = defineWebhookJobs({
      runner: jobs,
      worker: webhooks.worker,
      inbox: stores.inbox,
      clock,
      sweepCron: '* * * * *',
      housekeepingCron: config.jobs.reconcileCron,
    }).onEnqueued;
  }

  // --- Admin: sign-in with HubSpot, /api/admin, the page at /admin/, share links, avatars ---
  const publishImpact = new PublishImpactService({
    automation: (id) => new SdkAutomationReader(id, gateways),
    grantedScopes: async (id) => (await stores.portals.get(id))?.scopes ?? [],
  });
  const personaProperty = async (id: number) => (await ruleSets.live(id)).ruleSet.property.name;
  const admin = createAdmin({
    stores,
    clock,
    logger,
    adminToken: config.adminToken,
    appBaseUrl: config.appBaseUrl,
    encryptionKey: config.encryptionKey,
    rules: ruleSets,
    oauth: {
      authBaseUrl: config.hubspot.authBaseUrl,
      clientId: config.hubspot.clientId,
      scopes,
      identify: identifyWithOAuth(
        new OAuthClient({
          apiBaseUrl: config.hubspot.apiBaseUrl,
          clientId: config.hubspot.clientId,
          clientSecret: config.hubspot.clientSecret,
          redirectUri: `${config.appBaseUrl}${SIGNIN_CALLBACK_PATH}`,
          fetch: tuning.oauthFetch,
        }),
      ),
    },
    syncPropertyOptions: async (portalId, ruleSet) => {
      await propertySetup.ensure(portalId, ruleSet);
    },
    // Answers at once: a large portal's rescore takes minutes; the dashboard follows its run.
    rescore: (portalId) => jobs.enqueue(SYNC_JOBS.rescore, portalId),
    applyOverride: (portalId, contactId, override) =>
      withCompaniesOf(portalId, [contactId], () => assignments.applyAdminOverride(portalId, contactId, override)),
    verdicts: (portalId) => insights.personaVerdicts(portalId),
    personaUsage: async (portalId, values) => publishImpact.usage(portalId, await personaProperty(portalId), values),
  });
  routers.push(...admin.routers);
  jobs.schedule({ name: 'admin-sessions', cron: config.jobs.reconcileCron, run: () => stores.adminSessions.purgeExpired(clock.now()) });
  routers.push(
    createPortalStatusRoutes({
      guard: admin.guard,
      portals: stores.portals,
      crm: stores.crm,
      sync: stores.sync,
      assignments: stores.assignments,
      ruleSets,
      currentRun: (id) => sync.currentRun(id),
      streamProgress: (id) => sync.streamProgress(id),
      flushUsage: () => usage.flush(),
      clock,
    }),
    createInsightsRoutes({ guard: admin.guard, insights, discoveryRuns }),
    createPublishImpactRoutes({ guard: admin.guard, impact: publishImpact, personaProperty }),
  );

  // --- Where reps and workflows meet the persona: the card API and preview, the workflow action ---
  const cardQueries = new CardQueryService({
    crm: stores.crm,
    assignments: stores.assignments,
    ruleSets,
    sync: { refreshContacts: (portalId, ids) => withCompaniesOf(portalId, ids, () => sync.refreshContacts(portalId, ids)) },
    clock,
    verdicts: (id) => insights.personaVerdicts(id),
    whatTheySay: (id, personaId) => stores.crm.recentSurveyComments(id, personaId, WHAT_THEY_SAY_SHOWN),
  });
  const signed = { clientSecret: config.hubspot.clientSecret, appBaseUrl: config.appBaseUrl, clock, logger };
  routers.push(
    createCardRoutes({ ...signed, cardQueries, adminGuard: admin.pageGuard }),
    createCompanyCardRoutes({
      ...signed,
      companyCards: new CompanyCardService({ crm: stores.crm, ruleSets, clock }),
      adminGuard: admin.pageGuard,
    }),
    createWorkflowActionRoutes({
      ...signed,
      workflowAction: new WorkflowPersonaService({ cardQueries, ruleSets, portals: stores.portals }),
      responses: stores.workflowCallbacks,
    }),
  );

  const health = async () => {
    await storage.ping();
    const redis = config.redisUrl ? ((await gateways.ping()) ? 'ok' : 'unavailable') : 'not used';
    return { ok: redis !== 'unavailable', checks: { storage: storage.description, redis } };
  };
  // A worker serves only its probes and metrics.
  const http = createHttpApp({
    logger,
    routers: role === 'worker' ? [] : routers,
    rawBodyRouters: role === 'worker' ? [] : [webhooks.router],
    health,
    metrics: () => metrics.render(),
  });

  const stoppers: (() => Promise<void>)[] = [];
  return {
    http,
    stores,
    storage,
    services: { tokens, install, sync, assignments, ruleSets, propertySetup, gateways, usage, jobs, insights, metrics, committee },
    async start() {
      // The one SQLite process owns every run; with many processes a portal job marks its own portal's (sync-jobs).
      if (jobs.kind === 'in-process') await stores.sync.interruptRunning(clock.now());
      await jobs.start({ work: doesBackgroundWork, schedules: config.jobs.enabled });
      stoppers.push(() => jobs.stop());
      if (jobs.kind === 'in-process') {
        await webhooks.worker.start();
        stoppers.push(() => webhooks.worker.stop());
      }
    },
    async close() {
      for (const stop of stoppers.reverse()) await stop();
      await sync.stop();
      await usage.close();
      await gateways.stop();
      await committeeMutex.close();
      if (!options.storage) await storage.close();
    },
  };
}
