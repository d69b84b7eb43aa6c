import type { Kysely } from 'kysely';
import { toIso, toIsoOrNull } from '../time.ts';

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ApiKeyRecord {
  id: string;
  userId: string;
  name: string;
  scopes: string[];
  secretHash: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

function toRecord(row: Record<string, unknown>): ApiKeyRecord {
  const scopes = String(row.scopes);
  return {
    id: row.id as string,
    userId: row.user_id as string,
    name: row.name as string,
    scopes: scopes === '' ? [] : scopes.split(' '),
    secretHash: row.secret_hash as string,
    createdAt: toIso(row.created_at),
    expiresAt: toIsoOrNull(row.expires_at),
    lastUsedAt: toIsoOrNull(row.last_used_at),
  };
}

/** Every SQL statement about API keys. A revoked key is deleted: nothing about it needs keeping. */
export const apiKeysRepository = {
  async insert(db: Db, key: Omit<ApiKeyRecord, 'lastUsedAt'>): Promise<void> {
    await db.insertInto('api_keys').values({
      id: key.id, user_id: key.userId, name: key.name, scopes: key.scopes.join(' '), secret_hash: key.secretHash,
      created_at: key.createdAt, expires_at: key.expiresAt,
    }).execute();
  },

  async countForUser(db: Db, userId: string): Promise<number> {
    const row = await db.selectFrom('api_keys').select((eb) => eb.fn.countAll<number>().as('count')).where('user_id', '=', userId).executeTakeFirst();
    return Number(row?.count ?? 0);
  },

  async listForUser(db: Db, userId: string): Promise<ApiKeyRecord[]> {
    const rows = await db.selectFrom('api_keys').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toRecord);
  },

  /** The key with its owner's role and status, in one round trip: the exchange's hot path. */
  async findWithOwner(db: Db, id: string): Promise<(ApiKeyRecord & { ownerRole: string; ownerStatus: string }) | undefined> {
    const row = await db.selectFrom('api_keys')
      .innerJoin('credentials', 'credentials.id', 'api_keys.user_id')
      .selectAll('api_keys')
      .select(['credentials.role as owner_role', 'credentials.status as owner_status'])
      .where('api_keys.id', '=', id)
      .executeTakeFirst();
    return row ? { ...toRecord(row), ownerRole: row.owner_role as string, ownerStatus: row.owner_status as string } : undefined;
  },

  /** Deletes one key of this user; false when the user has no such key (another user's id included). */
  async deleteForOwner(db: Db, userId: string, id: string): Promise<boolean> {
    const result = await db.deleteFrom('api_keys').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  },

  /** Deletes every key of the user; returns their ids for the revocation list. */
  async deleteAllForUser(db: Db, userId: string): Promise<string[]> {
    const rows = await db.deleteFrom('api_keys').where('user_id', '=', userId).returning('id').execute();
    return rows.map((row) => row.id as string);
  },

  async idsForUser(db: Db, userId: string): Promise<string[]> {
    const rows = await db.selectFrom('api_keys').select('id').where('user_id', '=', userId).execute();
    return rows.map((row) => row.id as string);
  },

  async touch(db: Db, id: string, now: string): Promise<void> {
    await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
  },
};
