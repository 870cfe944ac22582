import type { WorkflowActionResponse, WorkflowActionResponseStore } from './workflow-action-routes';

/**
 * Keeps answers for a bounded number of callbacks, oldest evicted first. HubSpot retries within
 * days, so a durable store is better in production; this one suits tests and single-process demos.
 */
export class InMemoryResponseStore implements WorkflowActionResponseStore {
  private readonly entries = new Map<string, WorkflowActionResponse>();

  constructor(private readonly maxEntries = 100_000) {}

  async get(portalId: number, callbackId: string): Promise<WorkflowActionResponse | null> {
    return this.entries.get(key(portalId, callbackId)) ?? null;
  }

  async save(portalId: number, callbackId: string, response: WorkflowActionResponse): Promise<void> {
    const k = key(portalId, callbackId);
    this.entries.delete(k);
    this.entries.set(k, response);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

function key(portalId: number, callbackId: string): string {
  return `${portalId}\u0000${callbackId}`;
}
