import type { Express } from 'express';
import { requireAdmin } from './admin/admin-guard';
import { createHttpApp } from './http/create-http-app';
import { systemClock, type Clock } from './platform/clock';
import type { AppConfig } from './platform/config';
import type { Logger } from './platform/logger';
import { openStorage, type Storage } from './storage/connect';
import { createStores, type Stores } from './storage/stores';

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
}

export interface App {
  readonly http: Express;
  readonly stores: Stores;
  readonly storage: Storage;
  /** Starts background work: the job catalogue and the webhook worker. */
  start(): Promise<void>;
  /** Stops background work and closes storage; in-flight requests are the server's to drain. */
  close(): Promise<void>;
}

export async function buildApp(options: BuildAppOptions): Promise<App> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const storage = options.storage ?? (await openStorage(config.databaseUrl));
  const stores = createStores(storage);
  const adminGuard = requireAdmin({ adminToken: config.adminToken });
  void adminGuard;
  void clock;

  const http = createHttpApp({
    logger,
    routers: [],
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
    async start() {
      await stores.sync.interruptRunning(clock.now());
    },
    async close() {
      for (const stop of stoppers.reverse()) await stop();
      if (!options.storage) await storage.close();
    },
  };
}
