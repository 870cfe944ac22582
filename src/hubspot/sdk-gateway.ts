import { Client } from '@hubspot/api-client';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts';
import { PropertyCreateFieldTypeEnum, PropertyCreateTypeEnum } from '@hubspot/api-client/lib/codegen/crm/properties';
import Bottleneck from 'bottleneck';
import Redis from 'ioredis';
import type { PortalId, PropertyBag } from '../crm/model';
import type { AccessTokenProvider } from '../install/token-service';
import type { Logger } from '../platform/logger';
import {
  HubSpotCallError,
  type BatchWriteResult,
  type CompanyLinkRecord,
  type ContactPropertyInfo,
  type ContactRecord,
  type CrmRecord,
  type HubSpotGateways,
  type NewContactProperty,
  type ObjectKind,
  type Page,
  type PortalHubSpot,
  type PropertyOptionDefinition,
  type SearchPage,
} from '../crm/hubspot-port';
import type { ApiUsageRecorder } from './api-usage-recorder';
import { backoffDelay, classifyFailure, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy';

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
}

interface PortalLimits {
  readonly api: Bottleneck;
  readonly search: Bottleneck;
  /** Set by a 429: every caller of this portal waits until then, not only the one that was refused. */
  pausedUntil: { api: number; search: number };
}

/** Bottleneck runs lower numbers first; 5 is its default. */
const PRIORITY_FIRST = 4;
const PRIORITY_DEFAULT = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pauseKey = (portalId: PortalId, lane: string) => `personas:hubspot:${portalId}:${lane}:paused`;

function toMillis(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : 0;
}

function bag(properties: unknown): PropertyBag {
  return (properties && typeof properties === 'object' ? properties : {}) as PropertyBag;
}

function toRecord(o: { id: string; properties?: unknown; updatedAt?: unknown }): CrmRecord {
  return { id: String(o.id), properties: bag(o.properties), updatedAt: toMillis(o.updatedAt) };
}

const MODIFIED_PROPERTY: Record<ObjectKind, string> = {
  contacts: 'lastmodifieddate',
  tickets: 'hs_lastmodifieddate',
  companies: 'hs_lastmodifieddate',
  feedback_submissions: 'hs_lastmodifieddate',
};
/** HubSpot's v3 inline name of the primary contact→company pair (every pair is also `…_unlabeled`). */
const PRIMARY_COMPANY_TYPE = 'contact_to_company';
const PRIMARY_LABEL = 'Primary';

function inlineIds(group: { results?: { id: unknown }[] } | undefined): string[] {
  return [...new Set((group?.results ?? []).map((a) => String(a.id)))];
}

function companyLinksOf(group: { results?: { id: unknown; type?: unknown }[] } | undefined): CompanyLinkRecord[] {
  const primary = new Set((group?.results ?? []).filter((a) => a.type === PRIMARY_COMPANY_TYPE).map((a) => String(a.id)));
  return inlineIds(group).map((companyId) => ({ companyId, primary: primary.has(companyId) }));
}

/**
 * The only user of @hubspot/api-client. One SDK client per call (the SDK's retry and limiter
 * settings are process-wide and ignore Retry-After, so none are set); one pair of Bottleneck
 * limiters per portal (general API and search) shared by everything that calls HubSpot for it;
 * our own retry policy around each call.
 */
export class SdkGateways implements HubSpotGateways {
  private readonly limits = new Map<PortalId, PortalLimits>();
  private readonly policy: RetryPolicy;

  private readonly connection: Bottleneck.IORedisConnection | null;
  private readonly redis: Redis | null;

  constructor(private readonly options: SdkGatewayOptions) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.redis = options.redisUrl ? new Redis(options.redisUrl, { lazyConnect: false }) : null;
    this.connection = this.redis ? new Bottleneck.IORedisConnection({ client: this.redis }) : null;
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

  forPortal(portalId: PortalId): PortalHubSpot {
    return new SdkPortalGateway(portalId, this);
  }

  async stop(): Promise<void> {
    for (const l of this.limits.values()) {
      await Promise.all([l.api.stop({ dropWaitingJobs: true }), l.search.stop({ dropWaitingJobs: true })]).catch(() => undefined);
    }
    this.limits.clear();
    await this.connection?.disconnect(true);
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
      const client = new Client({ accessToken: token, basePath: this.options.apiBaseUrl });
      try {
        const result = await limits[lane].schedule({ priority: first ? PRIORITY_FIRST : PRIORITY_DEFAULT }, async () => {
          // Checked inside the limiter's slot, right before the request, so no queued call slips past a pause.
          const pause = await this.pauseLeft(portalId, lane, limits);
          if (pause > 0) await sleep(pause);
          return fn(client);
        });
        usage.record(portalId, { calls: 1 });
        return result;
      } catch (err) {
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
            logger.warn({ portalId, err: err instanceof Error ? err.message : String(err) }, 'could not share a rate-limit pause'),
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

type SearchRequest = Parameters<Client['crm']['contacts']['searchApi']['doSearch']>[0];

function searchOf(c: Client, kind: ObjectKind, request: SearchRequest) {
  if (kind === 'contacts') return c.crm.contacts.searchApi.doSearch(request);
  if (kind === 'tickets') return c.crm.tickets.searchApi.doSearch(request);
  return c.crm.objects.searchApi.doSearch(kind, request);
}

class SdkPortalGateway implements PortalHubSpot {
  constructor(
    readonly portalId: PortalId,
    private readonly gateways: SdkGateways,
  ) {}

  private call<T>(operation: string, fn: (client: Client) => Promise<T>, lane: 'api' | 'search' = 'api', first = false): Promise<T> {
    return this.gateways.call(this.portalId, operation, lane, fn, first);
  }

  async listContacts(o: {
    after: string | null;
    properties: readonly string[];
    withTickets: boolean;
    withCompanies?: boolean;
    withSurveys?: boolean;
  }): Promise<Page<ContactRecord>> {
    const associations = [
      ...(o.withTickets ? ['tickets'] : []),
      ...(o.withCompanies ? ['companies'] : []),
      ...(o.withSurveys ? ['feedback_submissions'] : []),
    ];
    // Paging is a chain (each page names the next), one request at a time: it goes first, and the
    // batch reads and writes of pages already listed fill every other slot of the budget.
    const page = await this.call(
      'contacts list',
      (c) =>
        c.crm.contacts.basicApi.getPage(
          100,
          o.after ?? undefined,
          [...o.properties],
          undefined,
          associations.length > 0 ? associations : undefined,
          false,
        ),
      'api',
      true,
    );
    return {
      results: page.results.map((r) => {
        const groups = (r.associations ?? {}) as Record<string, { results?: { id: unknown; type?: unknown }[] } | undefined>;
        return {
          ...toRecord(r),
          ticketIds: o.withTickets ? inlineIds(groups.tickets) : null,
          companyLinks: o.withCompanies ? companyLinksOf(groups.companies) : null,
          surveyIds: o.withSurveys ? inlineIds(groups.feedback_submissions ?? groups['feedback submissions']) : null,
        };
      }),
      nextAfter: page.paging?.next?.after ?? null,
    };
  }

  async listTickets(o: { after: string | null; properties: readonly string[] }): Promise<Page<CrmRecord>> {
    const page = await this.call('tickets list', (c) =>
      c.crm.tickets.basicApi.getPage(100, o.after ?? undefined, [...o.properties], undefined, undefined, false),
    );
    return { results: page.results.map(toRecord), nextAfter: page.paging?.next?.after ?? null };
  }

  async searchModifiedSince(
    kind: ObjectKind,
    o: { since: number; after: number | null; properties: readonly string[] },
  ): Promise<SearchPage<CrmRecord>> {
    const propertyName = MODIFIED_PROPERTY[kind];
    const request = {
      filterGroups: [{ filters: [{ propertyName, operator: FilterOperatorEnum.Gte, value: String(o.since) }] }],
      // The SDK types sorts as string[]; the API takes sort objects, which pass through unchanged.
      sorts: [{ propertyName, direction: 'ASCENDING' }] as unknown as string[],
      properties: [...o.properties],
      limit: 200,
      after: o.after === null ? undefined : String(o.after),
    };
    const page = await this.call(`${kind} search`, (c) => searchOf(c, kind, request), 'search');
    const next = page.paging?.next?.after;
    return { results: page.results.map(toRecord), nextAfter: next === undefined ? null : Number(next), total: page.total };
  }

  async countObjects(kind: ObjectKind): Promise<number> {
    const request = { filterGroups: [], properties: ['hs_object_id'], limit: 1 };
    const page = await this.call(`${kind} count`, (c) => searchOf(c, kind, request), 'search');
    return page.total;
  }

  async readContacts(ids: readonly string[], properties: readonly string[]): Promise<CrmRecord[]> {
    if (ids.length === 0) return [];
    const res = await this.call('contacts batch read', (c) =>
      c.crm.contacts.batchApi.read({ inputs: ids.map((id) => ({ id })), properties: [...properties], propertiesWithHistory: [] }, false),
    );
    return res.results.map(toRecord);
  }

  async readTickets(ids: readonly string[], properties: readonly string[]): Promise<CrmRecord[]> {
    if (ids.length === 0) return [];
    const res = await this.call('tickets batch read', (c) =>
      c.crm.tickets.batchApi.read({ inputs: ids.map((id) => ({ id })), properties: [...properties], propertiesWithHistory: [] }, false),
    );
    return res.results.map(toRecord);
  }

  readCompanies(ids: readonly string[], properties: readonly string[]): Promise<CrmRecord[]> {
    return this.readObjects('companies', ids, properties);
  }

  readSurveys(ids: readonly string[], properties: readonly string[]): Promise<CrmRecord[]> {
    return this.readObjects('feedback_submissions', ids, properties);
  }

  private async readObjects(
    kind: 'companies' | 'feedback_submissions',
    ids: readonly string[],
    properties: readonly string[],
  ): Promise<CrmRecord[]> {
    if (ids.length === 0) return [];
    const res = await this.call(`${kind} batch read`, (c) =>
      c.crm.objects.batchApi.read(
        kind,
        { inputs: ids.map((id) => ({ id })), properties: [...properties], propertiesWithHistory: [] },
        false,
      ),
    );
    return res.results.map(toRecord);
  }

  async companyLinksOfContacts(contactIds: readonly string[]): Promise<Map<string, CompanyLinkRecord[]>> {
    const out = new Map<string, CompanyLinkRecord[]>(contactIds.map((id) => [id, []]));
    if (contactIds.length === 0) return out;
    const res = await this.call('contacts→companies associations', (c) =>
      c.crm.associations.v4.batchApi.getPage('contacts', 'companies', { inputs: contactIds.map((id) => ({ id })) }),
    );
    for (const r of res.results) {
      out.set(
        String(r._from.id),
        r.to.map((t) => ({
          companyId: String(t.toObjectId),
          primary: t.associationTypes.some((type) => type.label === PRIMARY_LABEL),
        })),
      );
    }
    return out;
  }

  surveyIdsOfContacts(contactIds: readonly string[]): Promise<Map<string, string[]>> {
    return this.associated('contacts', 'feedback_submissions', contactIds);
  }

  contactIdsOfSurveys(surveyIds: readonly string[]): Promise<Map<string, string[]>> {
    return this.associated('feedback_submissions', 'contacts', surveyIds);
  }

  ticketIdsOfContacts(contactIds: readonly string[]): Promise<Map<string, string[]>> {
    return this.associated('contacts', 'tickets', contactIds);
  }

  contactIdsOfTickets(ticketIds: readonly string[]): Promise<Map<string, string[]>> {
    return this.associated('tickets', 'contacts', ticketIds);
  }

  private async associated(from: ObjectKind, to: ObjectKind, ids: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return out;
    const res = await this.call(`${from}→${to} associations`, (c) =>
      c.crm.associations.v4.batchApi.getPage(from, to, { inputs: ids.map((id) => ({ id })) }),
    );
    for (const r of res.results) {
      // Inputs without associations come back as 207 errors, which leave them at [].
      out.set(String(r._from.id), [...new Set(r.to.map((t) => String(t.toObjectId)))]);
    }
    return out;
  }

  async updateContacts(inputs: readonly { id: string; properties: Record<string, string> }[]): Promise<BatchWriteResult> {
    if (inputs.length === 0) return { written: [], failed: [] };
    const res = await this.call('contacts batch update', (c) =>
      c.crm.contacts.batchApi.update({ inputs: inputs.map((i) => ({ id: i.id, properties: i.properties })) }),
    );
    const written = res.results.map((r) => String(r.id));
    const failed: { id: string; message: string; notFound: boolean }[] = [];
    if ('errors' in res && Array.isArray(res.errors)) {
      for (const e of res.errors) {
        const ids = (e.context as Record<string, string[]> | undefined)?.ids ?? [];
        for (const id of ids) failed.push({ id: String(id), message: e.message, notFound: e.category === 'OBJECT_NOT_FOUND' });
      }
    }
    return { written, failed };
  }

  async createContactPropertyGroup(group: { name: string; label: string; displayOrder: number }): Promise<'created' | 'exists'> {
    try {
      await this.call('property group create', (c) => c.crm.properties.groupsApi.create('contacts', group));
      return 'created';
    } catch (err) {
      if (err instanceof HubSpotCallError && err.status === 409) return 'exists';
      throw err;
    }
  }

  async getContactProperty(name: string): Promise<ContactPropertyInfo | null> {
    try {
      const p = await this.call('property read', (c) => c.crm.properties.coreApi.getByName('contacts', name));
      return {
        name: p.name,
        label: p.label,
        type: String(p.type),
        fieldType: String(p.fieldType),
        groupName: p.groupName,
        options: (p.options ?? []).map((o) => ({
          label: o.label,
          value: o.value,
          displayOrder: o.displayOrder ?? 0,
          hidden: o.hidden,
          description: o.description,
        })),
      };
    } catch (err) {
      if (err instanceof HubSpotCallError && err.status === 404) return null;
      throw err;
    }
  }

  async createContactProperty(d: NewContactProperty): Promise<void> {
    await this.call('property create', (c) =>
      c.crm.properties.coreApi.create('contacts', {
        name: d.name,
        label: d.label,
        groupName: d.groupName,
        description: d.description,
        formField: d.formField,
        type: d.type as PropertyCreateTypeEnum,
        fieldType: d.fieldType as PropertyCreateFieldTypeEnum,
        options: d.options.map(optionInput),
      }),
    );
  }

  async updateContactProperty(name: string, patch: { label?: string; options?: readonly PropertyOptionDefinition[] }): Promise<void> {
    await this.call('property update', (c) =>
      c.crm.properties.coreApi.update('contacts', name, {
        ...(patch.label === undefined ? {} : { label: patch.label }),
        ...(patch.options === undefined ? {} : { options: patch.options.map(optionInput) }),
      }),
    );
  }
}

function optionInput(o: PropertyOptionDefinition) {
  return {
    label: o.label,
    value: o.value,
    displayOrder: o.displayOrder,
    hidden: o.hidden,
    ...(o.description === undefined ? {} : { description: o.description }),
  };
}
