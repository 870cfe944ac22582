import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Express, Router } from 'express';
import { createAdmin } from './admin/create-admin';
import { CardQueryService } from './card-api/card-query-service';
import { createCardRoutes } from './card-api/card-routes';
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
import { JobCatalogue } from './jobs/job-catalogue';
import { AssignmentService } from './personas/assignment-service';
import { RuleSetService } from './personas/rule-set-service';
import { systemClock, type Clock } from './platform/clock';
import type { AppConfig } from './platform/config';
import type { Logger } from './platform/logger';
import { openStorage, type Storage } from './storage/connect';
import { createStores, type Stores } from './storage/stores';
import type { HubSpotGateways } from './crm/hubspot-port';
import { createPortalStatusRoutes } from './sync/portal-status-routes';
import { SyncService, type SyncHooks } from './sync/sync-service';
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
  readonly jobs: JobCatalogue;
  readonly insights: InsightsService;
}

export interface App {
  readonly http: Express;
  readonly stores: Stores;
  readonly storage: Storage;
  readonly services: AppServices;
  /** Starts background work: the job catalogue and the webhook worker. */
  start(): Promise<void>;
  /** Stops background work and closes storage; in-flight requests are the server's to drain. */
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
/** Two quarters of nightly snapshots: enough for a quarterly review against the quarter before. */
const SNAPSHOT_RETENTION_MS = 200 * DAY_MS;
/** HubSpot retries a workflow action for up to three days. */
const WORKFLOW_ANSWER_RETENTION_MS = 7 * DAY_MS;

export async function buildApp(options: BuildAppOptions): Promise<App> {
  const { config, logger } = options;
  const tuning = options.tuning ?? {};
  const clock = options.clock ?? systemClock;
  const storage = options.storage ?? (await openStorage(config.databaseUrl));
  const stores = createStores(storage);
  const scopes = tuning.scopes ?? requiredScopes();
  const optional = tuning.optionalScopes ?? optionalScopes();

  // --- HubSpot access: tokens, the per-portal gateway, API usage ---
  const oauth = new OAuthClient({
    apiBaseUrl: config.hubspot.apiBaseUrl, clientId: config.hubspot.clientId, clientSecret: config.hubspot.clientSecret,
    redirectUri: `${config.appBaseUrl}/oauth/callback`, fetch: tuning.oauthFetch,
  });
  const tokens = new TokenService({
    portals: stores.portals, crypto: new TokenCrypto(config.encryptionKey), oauth, clock, logger,
    refreshMarginMs: tuning.tokenRefreshMarginMs, transientRetryDelaysMs: tuning.tokenRetryDelaysMs,
  });
  const usage = new ApiUsageRecorder({ sync: stores.sync, logger, now: () => clock.now() });
  const gateways = new SdkGateways({
    apiBaseUrl: config.hubspot.apiBaseUrl, tokens, usage, logger, retry: tuning.retry,
    ratePer10s: config.hubspot.ratePer10s, searchPerSecond: config.hubspot.searchPerSecond, maxConcurrent: tuning.maxConcurrentRequests,
    redisUrl: config.redisUrl,
  });

  // --- Personas, sync, install ---
  // Read when a portal is seeded, not at start: editing the file affects the next install.
  const defaultRuleSet = () => JSON.parse(readFileSync(path.resolve(config.personasConfigPath), 'utf8')) as unknown;
  const ruleSets = new RuleSetService({ ruleSets: stores.ruleSets, clock, defaultRuleSet });
  const assignments = new AssignmentService({ crm: stores.crm, assignments: stores.assignments, ruleSets, gateways, clock, logger, writeConcurrency: tuning.writeConcurrency });
  const sync = new SyncService({
    crm: stores.crm, sync: stores.sync, portals: stores.portals, ruleSets, assignments, gateways, clock, logger, hooks: tuning.syncHooks,
  });
  const propertySetup = new PersonaPropertySetup({ gateways, logger });
  const install = new InstallService({
    portals: stores.portals, oauth, tokens, ruleSets, properties: propertySetup, clock, logger,
    onInstalled: tuning.syncOnInstall === false ? undefined : (portalId) => {
      sync.fullSync(portalId).catch((err: unknown) => logger.warn({ portalId, err }, 'first sync failed'));
    },
  });

  // --- Jobs ---
  const jobs = new JobCatalogue({ logger });
  const eachInstalledPortal = async (what: string, fn: (portalId: number) => Promise<unknown>) => {
    for (const portal of await stores.portals.list()) {
      if (portal.state !== 'installed') continue;
      await fn(portal.portalId).catch((err: unknown) => logger.warn({ portalId: portal.portalId, job: what, err }, 'portal job failed'));
    }
  };
  jobs.add({ name: 'sync', cron: config.jobs.syncCron, run: () => eachInstalledPortal('sync', (id) => sync.scheduledSync(id)) });
  jobs.add({ name: 'reconcile', cron: config.jobs.reconcileCron, run: async () => {
    await stores.oauthStates.purgeExpired(clock.now());
    await eachInstalledPortal('reconcile', (id) => (sync.isRunning(id) ? Promise.resolve() : sync.reconcile(id)));
  } });

  // --- Insights: discovery, pilot validation, drift reviews over stored snapshots ---
  const insights = new InsightsService({
    contacts: stores.analysisContacts, assignments: stores.snapshots, reports: stores.reports, pilots: stores.pilots,
    ruleSets: { live: async (portalId) => (await ruleSets.live(portalId)).ruleSet }, clock,
  });
  // Rules with time windows change with the clock: rescore nightly, keep a snapshot for drift, review it.
  jobs.add({ name: 'nightly-rescore', cron: config.jobs.rescoreCron, run: () => eachInstalledPortal('nightly-rescore', async (id) => {
    if (!sync.isRunning(id)) await sync.rescore(id);
    const live = await ruleSets.live(id);
    await stores.snapshots.take(id, live.ruleSet.unassigned.id, clock.now());
    await stores.snapshots.purgeBefore(id, clock.now() - SNAPSHOT_RETENTION_MS);
    await insights.review(id, 'nightly');
  }) });
  jobs.add({ name: 'quarterly-review', cron: config.jobs.reviewCron, run: () => eachInstalledPortal('quarterly-review', (id) => insights.review(id, 'quarterly')) });
  jobs.add({ name: 'workflow-callbacks', cron: config.jobs.reconcileCron, run: () => stores.workflowCallbacks.purgeBefore(clock.now() - WORKFLOW_ANSWER_RETENTION_MS) });

  // --- HTTP ---
  // The install page follows the first sync through a signed link, with no admin session.
  const installProgress: InstallProgressSource = {
    links: new InstallProgressLinks(installProgressSecret(config.encryptionKey)),
    read: async (portalId) => {
      const p = await sync.streamProgress(portalId);
      const f = p.figures;
      return {
        state: p.state === 'none' ? 'starting' : p.state === 'running' ? 'syncing' : p.state,
        total: f?.total ?? null, scored: f?.scored ?? 0, written: f?.written ?? 0, remaining: f?.remaining ?? null,
        contactsPerSecond: f?.contactsPerSecond ?? null, etaSeconds: f?.etaSeconds ?? null,
      };
    },
  };
  const routers: Router[] = [
    createOAuthRoutes({
      states: stores.oauthStates, install, clock, logger, clientId: config.hubspot.clientId,
      appBaseUrl: config.appBaseUrl, authBaseUrl: config.hubspot.authBaseUrl, scopes, optionalScopes: optional, progress: installProgress,
    }),
    createInstallProgressRoutes({ source: installProgress, clock }),
  ];

  // --- Webhooks: signed intake into the inbox, and the worker that drains it through the sync service ---
  const webhooks = createWebhookReceiver({
    inbox: stores.inbox, crm: stores.crm, assignments: stores.assignments, refresher: sync,
    rules: { live: async (portalId) => (await ruleSets.live(portalId)).compiled },
    clientSecret: config.hubspot.clientSecret, appBaseUrl: config.appBaseUrl, appId: config.hubspot.appId, clock, logger,
    // One SQLite file has one worker, so at start every claim left behind belongs to a dead process.
    worker: { staleAfterMs: storage.dialect === 'sqlite' ? 0 : 60_000 },
  });

  // --- Admin: sign-in with HubSpot, /api/admin, the page at /admin/, share links, avatars ---
  const admin = createAdmin({
    stores, clock, logger, adminToken: config.adminToken, appBaseUrl: config.appBaseUrl, encryptionKey: config.encryptionKey,
    rules: ruleSets,
    oauth: {
      authBaseUrl: config.hubspot.authBaseUrl, clientId: config.hubspot.clientId, scopes,
      identify: identifyWithOAuth(new OAuthClient({
        apiBaseUrl: config.hubspot.apiBaseUrl, clientId: config.hubspot.clientId, clientSecret: config.hubspot.clientSecret,
        redirectUri: `${config.appBaseUrl}${SIGNIN_CALLBACK_PATH}`, fetch: tuning.oauthFetch,
      })),
    },
    syncPropertyOptions: async (portalId, ruleSet) => { await propertySetup.ensure(portalId, ruleSet); },
    rescore: (portalId, reason) => assignments.rescoreAndWriteBack(portalId, { reason }),
    applyOverride: (portalId, contactId, override) => assignments.applyAdminOverride(portalId, contactId, override),
    verdicts: (portalId) => insights.personaVerdicts(portalId),
  });
  routers.push(...admin.routers);
  jobs.add({ name: 'admin-sessions', cron: config.jobs.reconcileCron, run: () => stores.adminSessions.purgeExpired(clock.now()) });
  routers.push(
    createPortalStatusRoutes({
      guard: admin.guard, portals: stores.portals, crm: stores.crm, sync: stores.sync, assignments: stores.assignments, ruleSets,
      currentRun: (id) => sync.currentRun(id), streamProgress: (id) => sync.streamProgress(id), flushUsage: () => usage.flush(), clock,
    }),
    createInsightsRoutes({ guard: admin.guard, insights }),
    createPublishImpactRoutes({
      guard: admin.guard,
      impact: new PublishImpactService({ automation: (id) => new SdkAutomationReader(id, gateways), grantedScopes: async (id) => (await stores.portals.get(id))?.scopes ?? [] }),
      personaProperty: async (id) => (await ruleSets.live(id)).ruleSet.property.name,
    }),
  );

  // --- Where reps and workflows meet the persona: the card API and preview, the workflow action ---
  const cardQueries = new CardQueryService({ crm: stores.crm, assignments: stores.assignments, ruleSets, sync, clock, verdicts: (id) => insights.personaVerdicts(id) });
  const signed = { clientSecret: config.hubspot.clientSecret, appBaseUrl: config.appBaseUrl, clock, logger };
  routers.push(
    createCardRoutes({ ...signed, cardQueries, adminGuard: admin.pageGuard }),
    createWorkflowActionRoutes({ ...signed, workflowAction: new WorkflowPersonaService({ cardQueries, ruleSets, portals: stores.portals }), responses: stores.workflowCallbacks }),
  );

  const http = createHttpApp({
    logger,
    routers,
    rawBodyRouters: [webhooks.router],
    health: async () => {
      await storage.ping();
      return { ok: true, checks: { storage: storage.description } };
    },
  });

  const stoppers: (() => Promise<void>)[] = [];
  return {
    http,
    stores,
    storage,
    services: { tokens, install, sync, assignments, ruleSets, propertySetup, gateways, usage, jobs, insights },
    async start() {
      await stores.sync.interruptRunning(clock.now());
      await webhooks.worker.start();
      stoppers.push(() => webhooks.worker.stop());
      if (config.jobs.enabled) {
        jobs.start();
        stoppers.push(() => jobs.stop());
      }
    },
    async close() {
      for (const stop of stoppers.reverse()) await stop();
      await sync.stop();
      await usage.close();
      await gateways.stop();
      if (!options.storage) await storage.close();
    },
  };
}
