import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { Client } from '@hubspot/api-client';
import Bottleneck from 'bottleneck';
import Redis from 'ioredis';
import type { PortalId } from '../crm/model';
import type { AccessTokenProvider } from '../install/token-service';
import type { Logger } from '../platform/logger';
import { HubSpotCallError, type HubSpotGateways, type PortalHubSpot } from '../crm/hubspot-port';
import type { ApiUsageRecorder } from './api-usage-recorder';
import { holdFromRateHeaders } from './rate-headroom';
import { backoffDelay, classifyFailure, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy';
import { SdkPortalGateway } from './sdk-portal-gateway';

export interface SdkGatewayOptions {
  readonly apiBaseUrl: string;
  readonly tokens: AccessTokenProvider;
  readonly usage: ApiUsageRecorder;
  readonly logger: Logger;
  /** Our own budget under HubSpot's 110 requests per rolling 10 s (per portal, search excluded). */
  readonly ratePer10s: number;
  /** Our own budget under search's 5 requests per second. */
  readonly searchPerSecond: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Requests in flight per portal at most (the rate is enforced separately). */
  readonly maxConcurrent?: number;
  /**
   * Several processes calling HubSpot for the same portal (the server, a CLI sync, extra
   * replicas) share one budget only through Redis; without it each process has its own.
   */
  readonly redisUrl?: string;
  /**
   * A request unanswered after this long is given up (its connection closed) and retried. With
   * Redis this is also what frees its slot in the shared limiter: a process killed mid-request
   * would otherwise hold the portal's concurrency slots for every process, for good.
   */
  readonly requestTimeoutMs?: number;
}

interface PortalLimits {
  readonly api: Bottleneck;
  readonly search: Bottleneck;
  /** Set by a 429 or by HubSpot's rate headers: every caller of this portal waits until then, not only the one that was refused. */
  pausedUntil: { api: number; search: number };
}

const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** Bottleneck runs lower numbers first; 5 is its default. */
const PRIORITY_FIRST = 4;
const PRIORITY_DEFAULT = 5;

type SdkMiddleware = NonNullable<NonNullable<ConstructorParameters<typeof Client>[0]>['middleware']>;

/** Thrown inside the limiter's slot when the portal is paused: the call gives the slot up unused. */
class Paused extends Error {
  constructor(readonly ms: number) {
    super('paused');
  }
}

/**
 * Keep-alive connections to HubSpot whose request is given up, not left open, once nothing has come
 * back for `timeoutMs`: the limiter's expiration only stops waiting for a request, and the retry
 * would otherwise go out while the first is still in flight (Node emits a socket timeout but
 * leaves closing to whoever listens, and the SDK does not listen). Passing an agent also moves the
 * SDK from fetch to node:http, which it uses whenever it is given one.
 */
function abortingAgent(baseUrl: string, timeoutMs: number): http.Agent {
  const Base = baseUrl.startsWith('https:') ? https.Agent : http.Agent;
  class AbortingAgent extends Base {
    override createConnection(...args: Parameters<http.Agent['createConnection']>): Duplex | null | undefined {
      const socket = super.createConnection(...args);
      socket?.on('timeout', () => socket.destroy(new Error(`no answer from HubSpot within ${timeoutMs} ms`)));
      return socket;
    }
  }
  return new AbortingAgent({ keepAlive: true, timeout: timeoutMs });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pauseKey = (portalId: PortalId, lane: string) => `personas:hubspot:${portalId}:${lane}:paused`;

/**
 * With sdk-portal-gateway.ts, the only user of @hubspot/api-client. One SDK client per call (the SDK's retry and limiter
 * settings are process-wide and ignore Retry-After, so none are set); one pair of Bottleneck
 * limiters per portal (general API and search) shared by everything that calls HubSpot for it;
 * our own retry policy around each call.
 */
export class SdkGateways implements HubSpotGateways {
  private readonly limits = new Map<PortalId, PortalLimits>();
  private readonly policy: RetryPolicy;

  private readonly connection: Bottleneck.IORedisConnection | null;
  private readonly redis: Redis | null;
  private readonly agent: http.Agent;

  constructor(private readonly options: SdkGatewayOptions) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.redis = options.redisUrl ? new Redis(options.redisUrl, { lazyConnect: false }) : null;
    this.connection = this.redis ? new Bottleneck.IORedisConnection({ client: this.redis }) : null;
    this.agent = abortingAgent(options.apiBaseUrl, options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
  }

  /** Whether the shared budget's store answers (readiness); true when there is none to ask. */
  async ping(): Promise<boolean> {
    if (!this.redis) return true;
    return (await this.redis.ping()) === 'PONG';
  }

  /**
   * A 429's pause, for every caller of the portal in every process: with Redis a key that expires
   * when the pause ends, else this process's memory.
   */
  private async pauseLeft(portalId: PortalId, lane: 'api' | 'search', limits: PortalLimits): Promise<number> {
    const local = limits.pausedUntil[lane] - Date.now();
    if (!this.redis) return local;
    const shared = await this.redis.pttl(pauseKey(portalId, lane));
    return Math.max(local, shared);
  }

  private async pause(portalId: PortalId, lane: 'api' | 'search', limits: PortalLimits, waitMs: number): Promise<void> {
    limits.pausedUntil[lane] = Math.max(limits.pausedUntil[lane], Date.now() + waitMs);
    if (!this.redis) return;
    const key = pauseKey(portalId, lane);
    // NX then GT: a later, shorter pause never shortens a longer one another process set.
    const set = await this.redis.set(key, '1', 'PX', waitMs, 'NX');
    if (set === null) await this.redis.pexpire(key, waitMs, 'GT');
  }

  /**
   * SDK middleware reading HubSpot's count of the portal's window off each general-API response
   * (search responses carry none); when the spare our budget leaves is used up, the portal's next
   * starts wait (rate-headroom.ts).
   */
  private steering(portalId: PortalId, lane: 'api' | 'search', limits: PortalLimits): SdkMiddleware {
    if (lane === 'search') return [];
    return [
      {
        pre: (context) => context,
        post: (context) => {
          const hold = holdFromRateHeaders((context as { headers?: Record<string, string> }).headers ?? {}, this.options.ratePer10s);
          if (hold > 0) {
            this.options.logger.debug({ portalId, holdMs: hold }, "HubSpot's window is fuller than our spacing; holding the next requests");
            void this.pause(portalId, 'api', limits, hold).catch((err: unknown) =>
              this.options.logger.warn({ portalId, err }, 'could not share a rate-limit pause'),
            );
          }
          return context;
        },
      },
    ];
  }

  forPortal(portalId: PortalId): PortalHubSpot {
    return new SdkPortalGateway(portalId, (operation, lane, fn, first) => this.call(portalId, operation, lane, fn, first));
  }

  async stop(): Promise<void> {
    for (const l of this.limits.values()) {
      await Promise.all([l.api.stop({ dropWaitingJobs: true }), l.search.stop({ dropWaitingJobs: true })]).catch(() => undefined);
    }
    this.limits.clear();
    await this.connection?.disconnect(true);
    this.agent.destroy();
  }

  private limitsOf(portalId: PortalId): PortalLimits {
    let l = this.limits.get(portalId);
    if (!l) {
      // minTime spaces request starts evenly, so no rolling 10-second window ever holds more than ratePer10s.
      // With Redis the limiter's state lives there under the portal's id, so every process shares it.
      const shared = (lane: string): Bottleneck.ConstructorOptions =>
        this.connection
          ? { datastore: 'ioredis', connection: this.connection, id: `personas:hubspot:${portalId}:${lane}`, clearDatastore: false }
          : {};
      l = {
        api: new Bottleneck({
          minTime: Math.ceil(10_000 / this.options.ratePer10s),
          maxConcurrent: this.options.maxConcurrent ?? 8,
          ...shared('api'),
        }),
        search: new Bottleneck({ minTime: Math.ceil(1_000 / this.options.searchPerSecond), maxConcurrent: 2, ...shared('search') }),
        pausedUntil: { api: 0, search: 0 },
      };
      this.limits.set(portalId, l);
    }
    return l;
  }

  /**
   * Runs one HubSpot operation for a portal under its limiter and the retry policy. `first` puts
   * the request ahead of the others waiting (still within the rate): for a chain of requests where
   * each needs the one before (cursor paging), so that waiting batches never stretch the chain.
   */
  async call<T>(
    portalId: PortalId,
    operation: string,
    lane: 'api' | 'search',
    fn: (client: Client) => Promise<T>,
    first = false,
  ): Promise<T> {
    const limits = this.limitsOf(portalId);
    const { usage, logger } = this.options;
    let token = await this.options.tokens.accessToken(portalId);
    let refreshed = false;
    for (let attempt = 1; ; attempt += 1) {
      const client = new Client({
        accessToken: token,
        basePath: this.options.apiBaseUrl,
        middleware: this.steering(portalId, lane, limits),
        httpAgent: this.agent,
      });
      try {
        const options = {
          priority: first ? PRIORITY_FIRST : PRIORITY_DEFAULT,
          expiration: this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        };
        const result = await limits[lane].schedule(options, async () => {
          // Checked inside the limiter's slot, right before the request, so no queued call slips past a pause.
          const pause = await this.pauseLeft(portalId, lane, limits);
          if (pause > 0) throw new Paused(pause);
          return fn(client);
        });
        usage.record(portalId, { calls: 1 });
        return result;
      } catch (err) {
        if (err instanceof Paused) {
          // No request went out: wait the pause out and queue again. Sleeping inside the slot instead
          // would send every call that reached a slot during the pause at once when it ends, a burst
          // HubSpot's rolling window counts in full.
          await sleep(err.ms);
          attempt -= 1;
          continue;
        }
        const failure = classifyFailure(err, this.policy, lane === 'search');
        // A 404 or 409 answers a question (no such property, group exists); it is not a failure.
        const expected = failure.status === 404 || failure.status === 409;
        usage.record(portalId, {
          calls: 1,
          throttled: failure.kind === 'rate-limited' ? 1 : 0,
          failures: failure.kind === 'rate-limited' || expected ? 0 : 1,
        });
        if (failure.kind === 'unauthorized' && !refreshed) {
          // A 401 is not proof of expiry (docs/hubspot-contracts.md, OAuth tokens), but a refresh is the only remedy worth one try.
          refreshed = true;
          token = await this.options.tokens.refreshAfterRejection(portalId, token);
          continue;
        }
        if (failure.kind === 'fatal' || failure.kind === 'unauthorized' || attempt >= this.policy.maxAttempts) {
          throw new HubSpotCallError(
            operation,
            failure.status,
            `HubSpot ${operation} failed after ${attempt} attempt(s): ${failure.message}`,
            { cause: err },
          );
        }
        if (failure.kind === 'rate-limited') {
          const wait = failure.waitMs ?? this.policy.burstRateLimitDelayMs;
          await this.pause(portalId, lane, limits, wait).catch((err: unknown) =>
            logger.warn({ portalId, err }, 'could not share a rate-limit pause'),
          );
          logger.warn({ portalId, operation, attempt, waitMs: wait }, 'HubSpot rate limit hit; waiting');
        } else {
          const wait = backoffDelay(this.policy, attempt);
          logger.warn({ portalId, operation, attempt, status: failure.status, waitMs: wait }, 'HubSpot call failed; retrying');
          await sleep(wait);
        }
      }
    }
  }
}
