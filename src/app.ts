import { readFileSync } from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import type { Express, Router } from 'express';
import { InsightsService } from './insights/insights-service';
import { ApiUsageRecorder } from './hubspot/api-usage-recorder';
import type { RetryPolicy } from './hubspot/retry-policy';
import { SdkAutomationReader } from './hubspot/automation-reader';
import { SdkGateways } from './hubspot/sdk-gateway';
import { createHttpApp } from './http/create-http-app';
import { optionalScopes, requiredScopes } from './install/app-scopes';
import { InstallService } from './install/install-service';
import { OAuthClient } from './install/oauth-client';
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
import type { HubSpotGateways } from './crm/hubspot-port';
import { defineSyncJobs, SYNC_JOBS } from './sync/sync-jobs';
import { SyncService } from './sync/sync-service';
import type { SyncHooks } from './sync/sync-deps';
import { CommitteeService } from './committee/committee-service';
import { wireAdmin } from './composition/wire-admin';
import { wireCardsAndWorkflowAction } from './composition/wire-cards-and-workflow-action';
import { wireInsights } from './composition/wire-insights';
import { wireInstallRoutes } from './composition/wire-install-routes';
import { wireWebhooks } from './composition/wire-webhooks';
import type { Wiring } from './composition/wiring';

/**
 * The composition root: the only place that builds concrete stores, the HubSpot gateway,
 * services, routes and jobs. Everything else receives what it needs. The capabilities at the edge
 * (insights, webhooks, admin, cards, workflow action) are wired by the `wire…` functions in
 * src/composition, from the stores, adapters and services built here.
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
  const committeeFailed = (portalId: number) => (err: unknown) => logger.warn({ portalId, err }, 'buying committee could not be written');
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
              .catch((err: unknown) => logger.warn({ portalId, err }, 'could not queue the first sync'));
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

  // --- Insights, webhooks, admin, cards and the workflow action: wired in src/composition from what is built above ---
  const wiring: Wiring = { config, logger, clock, stores, jobs };
  // Scale mode's Redis for what web processes must count together (the HubSpot limiter keeps its own connection);
  // a worker serves no admin routes, so it opens none.
  const sharedRedis = config.redisUrl && role !== 'worker' ? new Redis(config.redisUrl) : null;
  const { insights, discoveryRuns } = wireInsights(wiring, { ruleSets, sync, installedPortals });
  const webhooks = wireWebhooks(wiring, { ruleSets, sync, committee, dialect: storage.dialect });
  const admin = wireAdmin(wiring, {
    ruleSets,
    assignments,
    propertySetup,
    sync,
    insights,
    discoveryRuns,
    flushUsage: () => usage.flush(),
    automation: (id) => new SdkAutomationReader(id, gateways),
    withCompaniesOf,
    scopes,
    oauthFetch: tuning.oauthFetch,
    redis: sharedRedis,
  });
  const routers: Router[] = [
    ...wireInstallRoutes(wiring, { install, sync, scopes, optionalScopes: optional }),
    ...admin.routers,
    ...wireCardsAndWorkflowAction(wiring, { ruleSets, sync, insights, withCompaniesOf, pageGuard: admin.pageGuard }),
  ];

  // --- HTTP ---
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
      sharedRedis?.disconnect();
      await committeeMutex.close();
      if (!options.storage) await storage.close();
    },
  };
}
