import type { Kysely } from 'kysely';
import type { WorkflowActionResponse, WorkflowActionResponseStore } from '../../workflow-action/workflow-action-routes';
import type { Database } from '../database';
import { fromJson, toJson } from './json';

/** Answers given to workflow executions, kept so a retry days later gets the same answer. */
export class WorkflowCallbackSqlStore implements WorkflowActionResponseStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(portalId: number, callbackId: string): Promise<WorkflowActionResponse | null> {
    const row = await this.db
      .selectFrom('workflow_callbacks')
      .select('response')
      .where('portal_id', '=', portalId)
      .where('callback_id', '=', callbackId)
      .executeTakeFirst();
    return row ? fromJson<WorkflowActionResponse | null>(row.response, null) : null;
  }

  async save(portalId: number, callbackId: string, response: WorkflowActionResponse, atMs: number): Promise<void> {
    // The first answer stands: a concurrent duplicate must not replace what HubSpot may already have.
    await this.db
      .insertInto('workflow_callbacks')
      .values({ portal_id: portalId, callback_id: callbackId, response: toJson(response), at: atMs })
      .onConflict((oc) => oc.columns(['portal_id', 'callback_id']).doNothing())
      .execute();
  }

  async purgeBefore(atMs: number): Promise<number> {
    const result = await this.db.deleteFrom('workflow_callbacks').where('at', '<', atMs).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
