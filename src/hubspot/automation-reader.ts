import type { Client } from '@hubspot/api-client';
import type { PortalId } from '../crm/model';
import type { PortalAutomationReader } from '../crm/hubspot-port';
import type { SdkGateways } from './sdk-gateway';

/**
 * Lists (v3) and workflows (automation v4 flows) with their definitions, read through the portal's
 * limiter and retry policy. Raw JSON over the SDK's request: the SDK has no v4 flows models, and its
 * list models would reshape the filter trees the caller walks.
 */
export class SdkAutomationReader implements PortalAutomationReader {
  constructor(
    private readonly portalId: PortalId,
    private readonly gateways: Pick<SdkGateways, 'call'>,
  ) {}

  private rawJson<T>(operation: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return this.gateways.call(this.portalId, operation, 'api', async (c: Client) => {
      const res = await c.apiRequest({ method, path, ...(body === undefined ? {} : { body }) });
      const text = await res.text();
      const parsed: unknown = text ? JSON.parse(text) : null;
      // Shaped like the SDK's own errors, so the retry policy reads the status, body and Retry-After.
      if (!res.ok)
        throw Object.assign(new Error(`HTTP ${res.status}`), {
          code: res.status,
          body: parsed,
          headers: Object.fromEntries(res.headers.entries()),
        });
      return parsed as T;
    });
  }

  async activeListsWithFilters(): Promise<unknown[]> {
    const ids: string[] = [];
    for (let offset = 0; ;) {
      const page = await this.rawJson<{ lists?: { listId?: unknown }[]; hasMore?: boolean; offset?: number }>(
        'lists search',
        'POST',
        '/crm/v3/lists/search',
        { processingTypes: ['DYNAMIC'], count: 500, offset },
      );
      ids.push(...(page.lists ?? []).map((l) => String(l.listId)));
      if (!page.hasMore || typeof page.offset !== 'number' || page.offset <= offset) break;
      offset = page.offset;
    }
    const lists: unknown[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const query = ids
        .slice(i, i + 100)
        .map((id) => `listIds=${encodeURIComponent(id)}`)
        .join('&');
      const page = await this.rawJson<{ lists?: unknown[] }>('lists read', 'GET', `/crm/v3/lists/?${query}&includeFilters=true`);
      lists.push(...(page.lists ?? []));
    }
    return lists;
  }

  async flowsWithDefinitions(): Promise<unknown[]> {
    const ids: string[] = [];
    for (let after: string | null = null; ;) {
      const page: { results?: { id?: unknown }[]; paging?: { next?: { after?: string } } } = await this.rawJson(
        'flows list',
        'GET',
        `/automation/v4/flows?limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`,
      );
      ids.push(...(page.results ?? []).map((f) => String(f.id)));
      after = page.paging?.next?.after ?? null;
      if (!after) break;
    }
    const flows: unknown[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const page = await this.rawJson<{ results?: unknown[] }>('flows batch read', 'POST', '/automation/v4/flows/batch/read', {
        inputs: ids.slice(i, i + 100).map((flowId) => ({ flowId, type: 'FLOW_ID' })),
      });
      flows.push(...(page.results ?? []));
    }
    return flows;
  }
}
