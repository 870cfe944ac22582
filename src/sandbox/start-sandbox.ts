import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createControlApiRoutes } from './control-api-routes';
import { createControlPage } from './control-page';
import { createApiRequestGate, type SandboxStats } from './api-request-gate';
import { createAutomationRoutes, defaultAutomation, type AutomationData } from './automation-routes';
import { createCrmRoutes } from './crm-routes';
import { FaultInjector, type FaultControl } from './fault-control';
import { sendError } from './hubspot-errors';
import { OAuthServer } from './oauth-server';
import {
  OutboundCaller,
  type CardFetchOptions,
  type OutboundResult,
  type WorkflowActionOptions,
  type WorkflowOptionsRequest,
} from './outbound-calls';
import { PortalStore, type WriteRecord } from './portal-store';
import { RateLimiter } from './rate-limiter';
import { createSandboxDataControl, type SandboxDataControl } from './sandbox-data-control';
import { DEFAULT_RETRY_DELAYS_MS, WebhookDispatcher, type DeliveryLog, type WebhookMode } from './webhook-dispatcher';

export interface SandboxAppOptions {
  clientId: string;
  clientSecret: string;
  appId: number;
  redirectUris: string[];
  /** The install URL Marketplace installs call (one of `redirectUris`); defaults to the first. */
  installUrl?: string;
  /** Scopes the app may be granted. */
  scopes: string[];
  /** The app's public base URL: webhooks go to `${targetBaseUrl}/webhooks/hubspot`. */
  targetBaseUrl?: string;
}

export interface SandboxPortalOptions {
  portalId: number;
  contacts: number;
  seed?: number;
  hubDomain?: string;
  /**
   * Whether the portal's edition includes customer feedback surveys (default true). Without them
   * HubSpot does not grant the optional feedback-submissions scope at install.
   */
  surveys?: boolean;
}

export const FEEDBACK_SUBMISSIONS_SCOPE = 'crm.objects.feedback_submissions.read';

export interface SandboxLogger {
  info(o: object, m?: string): void;
  warn(o: object, m?: string): void;
}

export interface SandboxOptions {
  port?: number;
  host?: string;
  app: SandboxAppOptions;
  portals: SandboxPortalOptions[];
  accessTokenTtlSeconds?: number;
  rateLimit?: { perTenSeconds?: number; searchPerSecond?: number; enabled?: boolean };
  webhooks?: { enabled?: boolean; batchSize?: number; flushMs?: number; retryDelaysMs?: number[]; timeoutMs?: number };
  clock?: () => number;
  /** Generated dates are relative to this instant; defaults to the clock at start. */
  referenceTime?: number;
  logger?: SandboxLogger;
}

export interface SandboxWebhooks {
  /** Sends queued events now and waits for the attempts in flight. */
  flush(): Promise<void>;
  /** Waits until nothing is queued, in flight or scheduled for retry (use with short retry delays). */
  settled(): Promise<void>;
  deliveries(): DeliveryLog[];
  setMode(mode: WebhookMode): void;
  mode(): WebhookMode;
}

export interface SandboxOutbound {
  cardFetch(o: CardFetchOptions): Promise<OutboundResult>;
  workflowAction(o: WorkflowActionOptions): Promise<OutboundResult>;
  workflowOptions(o: WorkflowOptionsRequest): Promise<OutboundResult>;
}

export interface Sandbox {
  baseUrl: string;
  close(): Promise<void>;
  faults: FaultControl;
  data: SandboxDataControl;
  webhooks: SandboxWebhooks;
  outbound: SandboxOutbound;
  /** Issues tokens for a portal without the browser step (tests and the demo's auto-install). */
  tokens: { issue(portalId: number, scopes?: string[]): { accessToken: string; refreshToken: string; expiresIn: number } };
  stats(portalId: number): SandboxStats;
  /** The portal's active lists and workflows (HubSpot's shapes), to read or replace. */
  automation(portalId: number): AutomationData;
  /** Every object update the portal received, in order. */
  writes(portalId: number): WriteRecord[];
}

export type { SandboxStats } from './api-request-gate';

export const WEBHOOK_PATH = '/webhooks/hubspot';

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const clock = options.clock ?? Date.now;
  const logger = options.logger;
  const appOpts = options.app;
  const webhookOpts = options.webhooks ?? {};
  const targetBase = appOpts.targetBaseUrl?.replace(/\/+$/, '');

  const dispatcher = new WebhookDispatcher({
    appId: appOpts.appId,
    clientSecret: appOpts.clientSecret,
    targetUrl: targetBase ? `${targetBase}${WEBHOOK_PATH}` : undefined,
    enabled: webhookOpts.enabled ?? true,
    batchSize: Math.min(webhookOpts.batchSize ?? 100, 100),
    flushMs: webhookOpts.flushMs ?? 1_000,
    retryDelaysMs: webhookOpts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    timeoutMs: webhookOpts.timeoutMs ?? 5_000,
    clock,
    logger,
  });

  const referenceTime = options.referenceTime ?? clock();
  const stores = new Map<number, PortalStore>();
  const noSurveys = new Set(options.portals.filter((p) => p.surveys === false).map((p) => p.portalId));
  // Lists and workflows the portal's marketers built; tests replace them through `automation`.
  const automation = new Map<number, AutomationData>();
  const automationOf = (portalId: number): AutomationData => {
    let data = automation.get(portalId);
    if (!data) automation.set(portalId, (data = defaultAutomation()));
    return data;
  };
  for (const p of options.portals) {
    if (stores.has(p.portalId)) throw new RangeError(`portal ${p.portalId} listed twice`);
    stores.set(
      p.portalId,
      new PortalStore({
        portalId: p.portalId,
        contacts: p.contacts,
        seed: p.seed ?? p.portalId,
        hubDomain: p.hubDomain ?? `sandbox-${p.portalId}.example.com`,
        clock,
        referenceTime,
        emit: (event) => dispatcher.enqueue(p.portalId, event),
      }),
    );
  }

  let baseUrl = '';
  const oauth = new OAuthServer({
    app: appOpts,
    portals: () =>
      [...stores.values()].map((s) => ({
        portalId: s.portalId,
        hubDomain: s.hubDomain,
        unavailableScopes: noSurveys.has(s.portalId) ? [FEEDBACK_SUBMISSIONS_SCOPE] : [],
      })),
    clock,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 1_800,
    baseUrl: () => baseUrl,
  });

  const limiter = new RateLimiter({
    perTenSeconds: options.rateLimit?.perTenSeconds ?? 110,
    searchPerSecond: options.rateLimit?.searchPerSecond ?? 5,
    enabled: options.rateLimit?.enabled ?? true,
    clock,
  });

  const gate = createApiRequestGate({ oauth, limiter, clock });

  const faults = new FaultInjector({
    clock,
    revokePortal: (portalId) => oauth.revokePortal(portalId),
    portalOfRequest: (req) => oauth.portalOfToken(req.header('authorization')),
  });

  const outbound = new OutboundCaller({
    appId: appOpts.appId,
    clientSecret: appOpts.clientSecret,
    targetBaseUrl: targetBase,
    clock,
    timeoutMs: 20_000,
  });
  const data = createSandboxDataControl(stores);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(
    createControlApiRoutes({
      stores,
      data,
      faults,
      webhooks: dispatcher,
      outbound,
      stats: (portalId) => gate.stats(portalId),
      issueTokens: (portalId) => {
        if (!stores.has(portalId)) throw new RangeError(`portal ${portalId} does not exist in this sandbox`);
        return oauth.issueTokens(portalId);
      },
    }),
  );

  app.use(createControlPage({ stores, data, webhooks: dispatcher }));

  for (const prefix of ['/oauth/v1', '/oauth/v3', '/oauth/2026-03']) app.use(prefix, faults.middleware);
  app.use(oauth.routes());

  for (const prefix of ['/crm', '/account-info', '/automation/v4/flows']) app.use(prefix, faults.middleware, ...gate.middleware);
  app.get('/account-info/v3/details', (_req, res) => {
    const store = stores.get(res.locals.portalId as number)!;
    res.json({
      portalId: store.portalId,
      accountType: 'DEVELOPER_TEST',
      timeZone: 'US/Eastern',
      companyCurrency: 'USD',
      additionalCurrencies: [],
      utcOffset: '-05:00',
      utcOffsetMilliseconds: -18_000_000,
      uiDomain: 'app.hubspot.com',
      dataHostingLocation: 'na1',
    });
  });
  app.use(
    createAutomationRoutes({
      dataOf: (res) => automationOf(res.locals.portalId as number),
      scopesOf: (res) => (res.locals.scopes as string[] | undefined) ?? [],
    }),
  );
  app.use(
    createCrmRoutes({
      appId: appOpts.appId,
      storeOf: (res) => stores.get(res.locals.portalId as number)!,
      baseUrl: () => baseUrl,
    }),
  );

  app.use((req: Request, res: Response) => {
    sendError(res, 404, 'OBJECT_NOT_FOUND', `No sandbox route for ${req.method} ${req.path}`);
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; message?: string; status?: number };
    if (e.type === 'entity.parse.failed') return sendError(res, 400, 'VALIDATION_ERROR', `Invalid input JSON: ${e.message ?? ''}`);
    if (e.type === 'entity.too.large') return sendError(res, 413, 'VALIDATION_ERROR', 'Request body too large');
    logger?.warn({ err, path: req.path }, 'sandbox request failed');
    if (!res.headersSent) sendError(res, 500, 'INTERNAL_ERROR', 'internal error');
  });

  const host = options.host ?? '127.0.0.1';
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port ?? 0, host, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger?.info({ baseUrl, portals: options.portals.map((p) => p.portalId) }, 'sandbox portal listening');

  return {
    baseUrl,
    faults,
    data,
    webhooks: {
      flush: () => dispatcher.flush(),
      settled: () => dispatcher.settled(),
      deliveries: () => dispatcher.deliveries(),
      setMode: (m) => dispatcher.setMode(m),
      mode: () => dispatcher.currentMode(),
    },
    outbound: {
      cardFetch: (o) => outbound.cardFetch(o),
      workflowAction: (o) => outbound.workflowAction(o),
      workflowOptions: (o) => outbound.workflowOptions(o),
    },
    automation: (portalId) => {
      if (!stores.has(portalId)) throw new RangeError(`portal ${portalId} does not exist in this sandbox`);
      return automationOf(portalId);
    },
    tokens: {
      issue: (portalId, scopes) => {
        if (!stores.has(portalId)) throw new RangeError(`portal ${portalId} does not exist in this sandbox`);
        return oauth.issueTokens(portalId, scopes);
      },
    },
    stats: (portalId) => gate.stats(portalId),
    writes: (portalId) => {
      const store = stores.get(portalId);
      if (!store) throw new RangeError(`portal ${portalId} does not exist in this sandbox`);
      return [...store.writes];
    },
    close: async () => {
      await dispatcher.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
