import { Pool, type PoolClient } from 'pg';
import type { PortalId } from '../crm/model';
import type { Logger } from '../platform/logger';

/**
 * Runs one portal's tasks one at a time: the same portal waits for the task before it, other portals
 * do not. `held` aborts if the mutex is lost while the task runs (scale mode: its database connection
 * failed, so another process may take it): the task must stop before its next side effect.
 */
export interface PortalMutex {
  exclusive<T>(portalId: PortalId, task: (held: AbortSignal) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** In one process nothing else can take the mutex: this is never aborted. */
const NEVER_LOST = new AbortController().signal;

/** The one-process mutex (SQLite, APP_ROLE=all): a promise chain per portal. */
export class InProcessPortalMutex implements PortalMutex {
  private readonly queues = new Map<PortalId, Promise<unknown>>();

  exclusive<T>(portalId: PortalId, task: (held: AbortSignal) => Promise<T>): Promise<T> {
    const run = () => task(NEVER_LOST);
    const previous = this.queues.get(portalId) ?? Promise.resolve();
    const next = previous.then(run, run);
    const settled = next.catch(() => undefined);
    this.queues.set(portalId, settled);
    void settled.then(() => {
      if (this.queues.get(portalId) === settled) this.queues.delete(portalId);
    });
    return next;
  }

  async close(): Promise<void> {}
}

/**
 * The cluster-wide mutex (scale mode): the in-process chain, then a blocking PostgreSQL session
 * advisory lock held for the task. Keys are single bigints — a different key space from the
 * two-int job locks of PortalLocks — so a job holding its portal's job lock never meets these.
 * Each waiting or running portal holds its own connection of a small pool: a lock waited for on a
 * shared connection would queue every other portal's unlock behind it, and two processes could wait
 * on each other forever. A process that dies drops its connections and with them its locks.
 */
export class PgPortalMutex implements PortalMutex {
  private readonly local = new InProcessPortalMutex();
  private readonly pool: Pool;

  constructor(
    private readonly options: {
      connectionString: string;
      /** Locks of different deployments (or test schemas) on one server never meet. */
      namespace: string;
      logger: Logger;
      /** Portals locked at once by this process (one connection each). */
      connections?: number;
    },
  ) {
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.connections ?? 4,
      application_name: `personas-portal-mutex:${process.pid}`,
    });
    // An idle connection that drops holds no lock; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  exclusive<T>(portalId: PortalId, task: (held: AbortSignal) => Promise<T>): Promise<T> {
    return this.local.exclusive(portalId, () => this.locked(portalId, task));
  }

  private async locked<T>(portalId: PortalId, task: (held: AbortSignal) => Promise<T>): Promise<T> {
    const key = [this.options.namespace, portalId];
    const client: PoolClient = await this.pool.connect();
    try {
      await client.query('select pg_advisory_lock((hashtext($1)::bigint << 32) | ($2::bigint % 2147483647))', key);
    } catch (err) {
      client.release(true);
      throw err;
    }
    // The lock lives as long as this connection. A checked-out pg client that fails emits 'error'
    // (with no listener, an uncaught exception that ends the process); the session's lock is gone
    // with it, so the task is told to stop.
    const held = new AbortController();
    const lost = (err: Error) => {
      if (held.signal.aborted) return;
      this.options.logger.warn({ portalId, err }, 'lost a portal mutex: its database connection failed');
      held.abort(new Error(`the portal ${portalId} mutex was lost (its database connection failed): stopped before the next write`));
    };
    client.on('error', lost);
    try {
      return await task(held.signal);
    } finally {
      client.off('error', lost);
      try {
        await client.query('select pg_advisory_unlock((hashtext($1)::bigint << 32) | ($2::bigint % 2147483647))', key);
        client.release();
      } catch (err) {
        // Closing the connection releases the lock with it.
        client.release(true);
        this.options.logger.warn({ portalId, err }, 'could not release a portal mutex');
      }
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
