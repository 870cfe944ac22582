import type { Kysely } from 'kysely';
import type { AdminSession, SessionStore } from '../../admin/session-store';
import type { ShareRevocationStore } from '../../admin/share-links';
import type { Database } from '../database';

export class SessionSqlStore implements SessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(s: AdminSession): Promise<void> {
    await this.db
      .insertInto('admin_sessions')
      .values({
        id_hash: s.idHash,
        portal_id: s.portalId,
        user_email: s.userEmail,
        user_id: s.userId,
        csrf_token: s.csrfTokenHash,
        created_at: s.createdAt,
        expires_at: s.expiresAt,
      })
      .execute();
  }

  async find(idHash: string, now: number): Promise<AdminSession | null> {
    const row = await this.db.selectFrom('admin_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    if (!row || Number(row.expires_at) <= now) return null;
    return {
      idHash: row.id_hash,
      portalId: Number(row.portal_id),
      userEmail: row.user_email,
      userId: row.user_id,
      csrfTokenHash: row.csrf_token,
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
    };
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('admin_sessions').where('id_hash', '=', idHash).execute();
  }

  async purgeExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom('admin_sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** Share-link revocations: every link of the portal issued before the stored time is refused. */
export class ShareRevocationSqlStore implements ShareRevocationStore {
  constructor(private readonly db: Kysely<Database>) {}

  async revokedBefore(portalId: number): Promise<number | null> {
    const row = await this.db
      .selectFrom('share_link_revocations')
      .select('revoked_before')
      .where('portal_id', '=', portalId)
      .executeTakeFirst();
    return row ? Number(row.revoked_before) : null;
  }

  async revokeAll(portalId: number, at: number): Promise<void> {
    await this.db
      .insertInto('share_link_revocations')
      .values({ portal_id: portalId, revoked_before: at })
      .onConflict((oc) => oc.column('portal_id').doUpdateSet({ revoked_before: at }))
      .execute();
  }
}
