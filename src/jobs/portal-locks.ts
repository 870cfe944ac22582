import { Client } from 'pg';
import type { PortalId } from '../crm/model';
import type { Logger } from '../platform/logger';

/**
 * Cluster-wide "one job per portal": PostgreSQL session advisory locks, all held on one dedicated
 * connection per process. A process that dies loses its connection and with it every lock, at
 * once, so a killed worker never leaves a portal locked. A session takes its own lock again
 * without blocking, so the process also remembers which portals it holds.
 */
export class PortalLocks {
  private client: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private readonly held = new Set<PortalId>();
  private closed = false;
  /** One connection answers one query at a time: lock and unlock calls take turns. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: {
      connectionString: string;
      /** Locks of different deployments (or test schemas) on one server never meet. */
      namespace: string;
      logger: Logger;
      /** The connection dropped: every lock is gone, so work relying on one must stop. */
      onLost: () => void;
    },
  ) {}

  async tryLock(portalId: PortalId): Promise<boolean> {
    if (this.held.has(portalId)) return false;
    this.held.add(portalId);
    try {
      const { rows } = await this.inTurn(async () =>
        (await this.connection()).query<{ ok: boolean }>(
          'select pg_try_advisory_lock(hashtext($1), ($2::bigint % 2147483647)::int) as ok',
          [this.options.namespace, portalId],
        ),
      );
      if (!rows[0]?.ok) this.held.delete(portalId);
      return rows[0]?.ok === true;
    } catch (err) {
      this.held.delete(portalId);
      throw err;
    }
  }

  async unlock(portalId: PortalId): Promise<void> {
    if (!this.held.delete(portalId)) return;
    const client = this.client;
    if (!client) return; // the connection is gone, and the lock with it
    await this.inTurn(() =>
      client.query('select pg_advisory_unlock(hashtext($1), ($2::bigint % 2147483647)::int)', [this.options.namespace, portalId]),
    ).catch((err: unknown) => this.options.logger.warn({ portalId, err }, 'could not release a portal lock'));
  }

  private inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn, fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    this.held.clear();
    await client?.end().catch(() => undefined);
  }

  private connection(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    if (this.closed) return Promise.reject(new Error('portal locks are closed'));
    this.connecting ??= (async () => {
      // The pid in the name lets an operator (and the crash test) see which process holds which portal:
      // pg_locks joined with pg_stat_activity.
      const client = new Client({
        connectionString: this.options.connectionString,
        application_name: `personas-portal-locks:${process.pid}`,
      });
      const lost = (err?: unknown) => {
        if (this.client !== client) return;
        this.client = null;
        this.held.clear();
        if (!this.closed) {
          this.options.logger.warn(
            { err: err instanceof Error ? err.message : undefined },
            'portal lock connection lost; running portal jobs stop',
          );
          this.options.onLost();
        }
      };
      client.on('error', lost);
      client.on('end', () => lost());
      await client.connect();
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }
}
