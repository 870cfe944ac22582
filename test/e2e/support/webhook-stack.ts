import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Router } from 'express';
import { ApiUsageRecorder } from '../../../src/hubspot/api-usage-recorder';
import { SdkGateways } from '../../../src/hubspot/sdk-gateway';
import { createHttpApp } from '../../../src/http/create-http-app';
import { PersonaPropertySetup } from '../../../src/install/persona-property-setup';
import { AssignmentService } from '../../../src/personas/assignment-service';
import { RuleSetService } from '../../../src/personas/rule-set-service';
import { systemClock } from '../../../src/platform/clock';
import { silentLogger, type Logger } from '../../../src/platform/logger';
import { openStorage, type Storage } from '../../../src/storage/connect';
import { createStores, type Stores } from '../../../src/storage/stores';
import { SyncService } from '../../../src/sync/sync-service';
import { createWebhookRoutes } from '../../../src/webhook-receiver/webhook-routes';
import { createWebhookReceiver } from '../../../src/webhook-receiver/webhook-receiver';
import type { ContactRefresher, WebhookWorker, WebhookWorkerOptions } from '../../../src/webhook-receiver/webhook-worker';

/**
 * The parts of the app the webhook path runs through, wired as the composition root wires them,
 * against the sandbox portal: intake route, inbox, worker, and the real sync service, assignment
 * service and HubSpot gateway. Used in-process by the e2e suite and in a child process by the
 * crash test (which is why it takes URLs and tokens rather than a sandbox object).
 */

export const APP_ID = 424242;
export const CLIENT_SECRET = 'sandbox-client-secret-0123456789';
export const DEFAULT_RULE_SET = JSON.parse(readFileSync(path.resolve(__dirname, '../../../config/personas.json'), 'utf8')) as unknown;

export interface StackOptions {
  readonly databaseUrl: string;
  readonly hubspotBaseUrl: string;
  /** Issues a fresh access token for the portal (the sandbox's test shortcut). */
  readonly issueToken: () => Promise<string> | string;
  readonly worker?: WebhookWorkerOptions;
  /** Lets the crash test stop the process between refresh calls. */
  readonly wrapRefresher?: (refresher: ContactRefresher) => ContactRefresher;
  readonly logger?: Logger;
  readonly storage?: Storage;
  /** The public base URL the intake route is reached at (signatures cover it). */
  readonly appBaseUrl?: string;
}

export interface Stack {
  readonly storage: Storage;
  readonly stores: Stores;
  readonly ruleSets: RuleSetService;
  readonly sync: SyncService;
  readonly worker: WebhookWorker;
  /** The intake route, wired to nudge this worker. */
  readonly router: Router;
  readonly gateways: SdkGateways;
  /** Every contact id the worker asked to refresh, in call order. */
  readonly refreshed: string[][];
  close(): Promise<void>;
}

export async function buildStack(options: StackOptions): Promise<Stack> {
  const logger = options.logger ?? silentLogger;
  const clock = systemClock;
  const storage = options.storage ?? (await openStorage(options.databaseUrl));
  const stores = createStores(storage);
  let token: string | null = null;
  const tokens = {
    accessToken: async () => (token ??= await options.issueToken()),
    refreshAfterRejection: async () => (token = await options.issueToken()),
  };
  const usage = new ApiUsageRecorder({ sync: stores.sync, logger, now: () => clock.now() });
  const gateways = new SdkGateways({
    apiBaseUrl: options.hubspotBaseUrl,
    tokens,
    usage,
    logger,
    ratePer10s: 1000,
    searchPerSecond: 20,
    retry: { maxAttempts: 2 },
  });
  const ruleSets = new RuleSetService({ ruleSets: stores.ruleSets, defaultRuleSet: () => DEFAULT_RULE_SET, clock });
  const assignments = new AssignmentService({ crm: stores.crm, assignments: stores.assignments, ruleSets, gateways, clock, logger });
  const sync = new SyncService({
    crm: stores.crm,
    sync: stores.sync,
    portals: stores.portals,
    ruleSets,
    assignments,
    gateways,
    clock,
    logger,
  });
  const refreshed: string[][] = [];
  const recording: ContactRefresher = {
    refreshContacts: async (portalId, ids) => {
      refreshed.push([...ids]);
      return sync.refreshContacts(portalId, ids);
    },
    refreshTickets: (portalId, ids) => sync.refreshTickets(portalId, ids),
  };
  const { router, worker } = createWebhookReceiver({
    inbox: stores.inbox,
    crm: stores.crm,
    assignments: stores.assignments,
    refresher: options.wrapRefresher ? options.wrapRefresher(recording) : recording,
    rules: { live: async (portalId) => (await ruleSets.live(portalId)).compiled },
    clientSecret: CLIENT_SECRET,
    appBaseUrl: options.appBaseUrl ?? 'http://127.0.0.1',
    appId: APP_ID,
    clock,
    logger,
    worker: { pollMs: 25, retryBaseMs: 100, ...options.worker },
  });
  return {
    storage,
    stores,
    ruleSets,
    sync,
    worker,
    router,
    gateways,
    refreshed,
    async close() {
      await worker.stop();
      await gateways.stop();
      await usage.close().catch(() => undefined);
      if (!options.storage) await storage.close();
    },
  };
}

/** Records the portal as installed, seeds the default rule set, creates the persona properties and runs the first full sync. */
export async function installPortal(stack: Stack, portalId: number): Promise<void> {
  const now = systemClock.now();
  await stack.stores.portals.upsert({
    portalId,
    hubDomain: null,
    state: 'installed',
    scopes: [],
    accessTokenEnc: null,
    refreshTokenEnc: null,
    accessExpiresAt: null,
    installedAt: now,
    updatedAt: now,
    installedBy: null,
    lastError: null,
  });
  const live = await stack.ruleSets.ensureSeeded(portalId);
  await new PersonaPropertySetup({ gateways: stack.gateways, logger: silentLogger }).ensure(portalId, live.ruleSet);
  await stack.sync.fullSync(portalId);
}

/** A loopback HTTP server that is listening (so its URL is known) before its handler exists. */
export async function listenLoopback(): Promise<{ baseUrl: string; mount(handler: http.RequestListener): void; close(): Promise<void> }> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mount: (handler) => {
      server.on('request', handler);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function intakeApp(router: Router): http.RequestListener {
  return createHttpApp({ logger: silentLogger, routers: [router], health: async () => ({ ok: true, checks: {} }) });
}

/** The intake route alone on a loopback port, for when the worker runs in another process. */
export async function startIntake(stores: Stores): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = await listenLoopback();
  server.mount(
    intakeApp(createWebhookRoutes({ inbox: stores.inbox, clientSecret: CLIENT_SECRET, appBaseUrl: server.baseUrl, clock: systemClock })),
  );
  return server;
}
