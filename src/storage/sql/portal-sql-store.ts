import type { Kysely } from 'kysely';
import type { ConsumeStateResult, InstallState, OAuthStateStore, PortalRecord, PortalStore } from '../../install/portal-store';
import type { Database, PortalsTable } from '../database';
import { fromJson, toJson } from './json';

function toRecord(row: PortalsTable): PortalRecord {
  return {
    portalId: Number(row.portal_id),
    hubDomain: row.hub_domain,
    state: row.state as InstallState,
    scopes: fromJson<string[]>(row.scopes, []),
    accessTokenEnc: row.access_token_enc,
    refreshTokenEnc: row.refresh_token_enc,
    accessExpiresAt: row.access_expires_at === null ? null : Number(row.access_expires_at),
    installedAt: Number(row.installed_at),
    updatedAt: Number(row.updated_at),
    installedBy: row.installed_by,
    lastError: row.last_error,
  };
}

export class PortalSqlStore implements PortalStore {
  constructor(private readonly db: Kysely<Database>) {}

  async upsert(p: PortalRecord): Promise<void> {
    const row = {
      portal_id: p.portalId,
      hub_domain: p.hubDomain,
      state: p.state,
      scopes: toJson(p.scopes),
      access_token_enc: p.accessTokenEnc,
      refresh_token_enc: p.refreshTokenEnc,
      access_expires_at: p.accessExpiresAt,
      installed_at: p.installedAt,
      updated_at: p.updatedAt,
      installed_by: p.installedBy,
      last_error: p.lastError,
    };
    await this.db
      .insertInto('portals')
      .values(row)
      .onConflict((oc) =>
        oc.column('portal_id').doUpdateSet({
          hub_domain: row.hub_domain,
          state: row.state,
          scopes: row.scopes,
          access_token_enc: row.access_token_enc,
          refresh_token_enc: row.refresh_token_enc,
          access_expires_at: row.access_expires_at,
          updated_at: row.updated_at,
          installed_by: row.installed_by,
          last_error: row.last_error,
        }),
      )
      .execute();
  }

  async get(portalId: number): Promise<PortalRecord | null> {
    const row = await this.db.selectFrom('portals').selectAll().where('portal_id', '=', portalId).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async list(): Promise<PortalRecord[]> {
    const rows = await this.db.selectFrom('portals').selectAll().orderBy('portal_id').execute();
    return rows.map(toRecord);
  }

  async updateTokens(
    portalId: number,
    t: { accessTokenEnc: string; refreshTokenEnc: string; accessExpiresAt: number },
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable('portals')
      .set({
        access_token_enc: t.accessTokenEnc,
        refresh_token_enc: t.refreshTokenEnc,
        access_expires_at: t.accessExpiresAt,
        updated_at: now,
      })
      .where('portal_id', '=', portalId)
      .execute();
  }

  async setState(portalId: number, state: InstallState, lastError: string | null, now: number): Promise<void> {
    await this.db.updateTable('portals').set({ state, last_error: lastError, updated_at: now }).where('portal_id', '=', portalId).execute();
  }
}

export class OAuthStateSqlStore implements OAuthStateStore {
  constructor(private readonly db: Kysely<Database>) {}

  async save(s: {
    stateHash: string;
    browserHash: string;
    purpose: 'install' | 'signin';
    createdAt: number;
    expiresAt: number;
  }): Promise<void> {
    await this.db
      .insertInto('oauth_states')
      .values({
        state_hash: s.stateHash,
        browser_hash: s.browserHash,
        purpose: s.purpose,
        created_at: s.createdAt,
        expires_at: s.expiresAt,
        used_at: null,
      })
      .execute();
  }

  async consume(stateHash: string, browserHash: string, purpose: 'install' | 'signin', now: number): Promise<ConsumeStateResult> {
    const row = await this.db.selectFrom('oauth_states').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
    if (!row) return 'unknown';
    if (row.used_at !== null) return 'used';
    if (row.purpose !== purpose) return 'wrong-purpose';
    if (row.browser_hash !== browserHash) return 'wrong-browser';
    if (Number(row.expires_at) < now) return 'expired';
    // The `used_at is null` guard makes the claim atomic between concurrent callbacks.
    const result = await this.db
      .updateTable('oauth_states')
      .set({ used_at: now })
      .where('state_hash', '=', stateHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? 'ok' : 'used';
  }

  async purgeExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom('oauth_states').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
