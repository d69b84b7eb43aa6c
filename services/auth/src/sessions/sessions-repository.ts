import type { Kysely } from 'kysely';

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** PostgreSQL hands timestamptz back as a Date, SQLite as the ISO text stored: one form for both. */
export function isoOf(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

export interface NewSession {
  id: string;
  userId: string;
  userAgent: string | null;
  device: string;
  ip: string | null;
  now: string;
  expiresAt: string;
}

export interface SessionSummary {
  id: string;
  device: string;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
}

export interface StoredRefreshToken {
  tokenId: string;
  sessionId: string;
  userId: string;
  usedAt: string | null;
  expiresAt: string;
  sessionRevokedAt: string | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function summary(row: any): SessionSummary {
  return {
    id: row.id, device: row.device, ip: row.ip ?? null, createdAt: isoOf(row.created_at), lastUsedAt: isoOf(row.last_used_at),
    expiresAt: isoOf(row.expires_at), revokedAt: row.revoked_at ? isoOf(row.revoked_at) : null, revokedReason: row.revoked_reason ?? null,
  };
}

const SUMMARY_COLUMNS = ['id', 'device', 'ip', 'created_at', 'last_used_at', 'expires_at', 'revoked_at', 'revoked_reason'] as const;

/** Every SQL statement about sessions and their refresh tokens. */
export const sessionsRepository = {
  async create(db: Db, session: NewSession): Promise<void> {
    await db.insertInto('sessions').values({
      id: session.id, user_id: session.userId, user_agent: session.userAgent, device: session.device, ip: session.ip,
      created_at: session.now, last_used_at: session.now, expires_at: session.expiresAt,
    }).execute();
  },

  async addRefreshToken(db: Db, token: { id: string; sessionId: string; hash: string; now: string; expiresAt: string }): Promise<void> {
    await db.insertInto('refresh_tokens').values({
      id: token.id, session_id: token.sessionId, token_hash: token.hash, created_at: token.now, expires_at: token.expiresAt,
    }).execute();
  },

  async findRefreshToken(db: Db, hash: string): Promise<StoredRefreshToken | undefined> {
    const row = await db.selectFrom('refresh_tokens')
      .innerJoin('sessions', 'sessions.id', 'refresh_tokens.session_id')
      .select(['refresh_tokens.id as token_id', 'refresh_tokens.session_id', 'refresh_tokens.used_at', 'refresh_tokens.expires_at',
        'sessions.user_id', 'sessions.revoked_at'])
      .where('refresh_tokens.token_hash', '=', hash)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      tokenId: row.token_id, sessionId: row.session_id, userId: row.user_id, usedAt: row.used_at ? isoOf(row.used_at) : null,
      expiresAt: isoOf(row.expires_at), sessionRevokedAt: row.revoked_at ? isoOf(row.revoked_at) : null,
    };
  },

  /**
   * Marks the token used if nobody did yet. Two refreshes racing with one token both run this
   * conditional UPDATE; the database lets exactly one of them change the row.
   */
  async markUsed(db: Db, tokenId: string, replacedBy: string, now: string): Promise<boolean> {
    const result = await db.updateTable('refresh_tokens').set({ used_at: now, replaced_by: replacedBy })
      .where('id', '=', tokenId).where('used_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },

  async touch(db: Db, sessionId: string, use: { now: string; ip: string | null; expiresAt: string }): Promise<void> {
    await db.updateTable('sessions').set({ last_used_at: use.now, ip: use.ip, expires_at: use.expiresAt }).where('id', '=', sessionId).execute();
  },

  /** Revokes one session if still active (of `userId` when given: nobody revokes another's); true when it did. */
  async revoke(db: Db, sessionId: string, opts: { reason: string; now: string; userId?: string }): Promise<boolean> {
    let query = db.updateTable('sessions').set({ revoked_at: opts.now, revoked_reason: opts.reason })
      .where('id', '=', sessionId).where('revoked_at', 'is', null);
    if (opts.userId !== undefined) query = query.where('user_id', '=', opts.userId);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },

  /** Revokes every active session of the user (but `except`); returns their ids. */
  async revokeAllOfUser(db: Db, userId: string, opts: { reason: string; now: string; except?: string }): Promise<string[]> {
    let query = db.updateTable('sessions').set({ revoked_at: opts.now, revoked_reason: opts.reason })
      .where('user_id', '=', userId).where('revoked_at', 'is', null);
    if (opts.except !== undefined) query = query.where('id', '!=', opts.except);
    const rows = await query.returning('id').execute();
    return rows.map((row) => row.id as string);
  },

  /** Sessions that still work: not revoked, not expired; newest use first. */
  async listActive(db: Db, userId: string, now: string): Promise<SessionSummary[]> {
    const rows = await db.selectFrom('sessions').select(SUMMARY_COLUMNS)
      .where('user_id', '=', userId).where('revoked_at', 'is', null).where('expires_at', '>', now)
      .orderBy('last_used_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(summary);
  },

  /** Everything held about the user's sessions (privacy export); no token hashes. */
  async listAll(db: Db, userId: string): Promise<Array<SessionSummary & { userAgent: string | null }>> {
    const rows = await db.selectFrom('sessions').select([...SUMMARY_COLUMNS, 'user_agent'])
      .where('user_id', '=', userId).orderBy('created_at', 'asc').execute();
    return rows.map((row) => ({ ...summary(row), userAgent: row.user_agent ?? null }));
  },

  /** Erases the user's sessions and refresh tokens; returns the session ids (for the revocation list). */
  async deleteAllOfUser(db: Db, userId: string): Promise<string[]> {
    const sessions = await db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute();
    const ids = sessions.map((row) => row.id as string);
    if (ids.length === 0) return [];
    await db.deleteFrom('refresh_tokens').where('session_id', 'in', ids).execute();
    await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
    return ids;
  },
};
