import type { Client } from '@hubspot/api-client';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts';
import { PropertyCreateFieldTypeEnum, PropertyCreateTypeEnum } from '@hubspot/api-client/lib/codegen/crm/properties';
import type { PortalId, PropertyBag } from '../crm/model';
import {
  HubSpotCallError,
  type BatchWriteResult,
  type CompanyLinkRecord,
  type ContactPropertyInfo,
  type ContactRecord,
  type CrmRecord,
  type NewContactProperty,
  type ObjectKind,
  type Page,
  type PortalHubSpot,
  type PropertyObjectType,
  type PropertyOptionDefinition,
  type SearchPage,
} from '../crm/hubspot-port';

/**
 * Runs one SDK operation for the portal under its rate limit and the retry policy (SdkGateways.call);
 * `first` puts it ahead of the requests waiting.
 */
export type PortalCall = <T>(operation: string, lane: 'api' | 'search', fn: (client: Client) => Promise<T>, first: boolean) => Promise<T>;

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

type SearchRequest = Parameters<Client['crm']['contacts']['searchApi']['doSearch']>[0];

function searchOf(c: Client, kind: ObjectKind, request: SearchRequest) {
  if (kind === 'contacts') return c.crm.contacts.searchApi.doSearch(request);
  if (kind === 'tickets') return c.crm.tickets.searchApi.doSearch(request);
  return c.crm.objects.searchApi.doSearch(kind, request);
}

/** One portal's HubSpot, through the SDK: the calls the port names, mapped to and from our types. */
export class SdkPortalGateway implements PortalHubSpot {
  constructor(
    readonly portalId: PortalId,
    private readonly run: PortalCall,
  ) {}

  private call<T>(operation: string, fn: (client: Client) => Promise<T>, lane: 'api' | 'search' = 'api', first = false): Promise<T> {
    return this.run(operation, lane, fn, first);
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

  updateContacts(inputs: readonly { id: string; properties: Record<string, string> }[]): Promise<BatchWriteResult> {
    return this.batchUpdate('contacts', inputs);
  }

  updateCompanies(inputs: readonly { id: string; properties: Record<string, string> }[]): Promise<BatchWriteResult> {
    return this.batchUpdate('companies', inputs);
  }

  private async batchUpdate(
    kind: 'contacts' | 'companies',
    inputs: readonly { id: string; properties: Record<string, string> }[],
  ): Promise<BatchWriteResult> {
    if (inputs.length === 0) return { written: [], failed: [] };
    const body = { inputs: inputs.map((i) => ({ id: i.id, properties: i.properties })) };
    const res = await this.call(`${kind} batch update`, (c) =>
      kind === 'contacts' ? c.crm.contacts.batchApi.update(body) : c.crm.companies.batchApi.update(body),
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

  async createPropertyGroup(
    objectType: PropertyObjectType,
    group: { name: string; label: string; displayOrder: number },
  ): Promise<'created' | 'exists'> {
    try {
      await this.call('property group create', (c) => c.crm.properties.groupsApi.create(objectType, group));
      return 'created';
    } catch (err) {
      if (err instanceof HubSpotCallError && err.status === 409) return 'exists';
      throw err;
    }
  }

  async getProperty(objectType: PropertyObjectType, name: string): Promise<ContactPropertyInfo | null> {
    try {
      const p = await this.call('property read', (c) => c.crm.properties.coreApi.getByName(objectType, name));
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

  async createProperty(objectType: PropertyObjectType, d: NewContactProperty): Promise<void> {
    await this.call('property create', (c) =>
      c.crm.properties.coreApi.create(objectType, {
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

  async updateProperty(
    objectType: PropertyObjectType,
    name: string,
    patch: { label?: string; options?: readonly PropertyOptionDefinition[] },
  ): Promise<void> {
    await this.call('property update', (c) =>
      c.crm.properties.coreApi.update(objectType, name, {
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
