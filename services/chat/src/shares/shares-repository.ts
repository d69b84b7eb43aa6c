import { iso, type Db } from '../rows.ts';
import type { ShareSnapshot } from './share-snapshot.ts';

interface ShareRow {
  id: string;
  user_id: string;
  conversation_id: string;
  title: string | null;
  message_count: number;
  snapshot: string;
  created_at: string | Date;
}

/** A share link as its owner lists it. */
export interface Share {
  shareId: string;
  conversationId: string;
  title: string | null;
  messageCount: number;
  createdAt: string;
}

/** What anyone holding the link sees: no user id, no conversation id. */
export interface PublicShare {
  title: string | null;
  sharedAt: string;
  messages: ShareSnapshot['messages'];
}

function toShare(row: Omit<ShareRow, 'snapshot' | 'user_id'>): Share {
  return { shareId: row.id, conversationId: row.conversation_id, title: row.title, messageCount: Number(row.message_count), createdAt: iso(row.created_at) };
}

const LISTED_COLUMNS = ['id', 'conversation_id', 'title', 'message_count', 'created_at'] as const;

/** Every SQL statement of the shares table. */
export const sharesRepository = {
  async insert(db: Db, share: { id: string; userId: string; conversationId: string; title: string | null; snapshot: ShareSnapshot; createdAt: string }): Promise<Share> {
    const row = {
      id: share.id, user_id: share.userId, conversation_id: share.conversationId, title: share.title,
      message_count: share.snapshot.messages.length, snapshot: JSON.stringify(share.snapshot), created_at: share.createdAt,
    };
    await db.insertInto('shares').values(row).execute();
    return toShare(row);
  },

  /** The user's share links, newest first (index shares_user). */
  async listByUser(db: Db, userId: string, limit: number): Promise<Share[]> {
    const rows = await db.selectFrom('shares').select(LISTED_COLUMNS).where('user_id', '=', userId)
      .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return (rows as ShareRow[]).map(toShare);
  },

  /** Revokes the user's share; false when the user has no such share (another user's included). */
  async delete(db: Db, userId: string, shareId: string): Promise<boolean> {
    const result = await db.deleteFrom('shares').where('id', '=', shareId).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  },

  async findPublic(db: Db, shareId: string): Promise<PublicShare | undefined> {
    const row = await db.selectFrom('shares').select(['title', 'snapshot', 'created_at']).where('id', '=', shareId).executeTakeFirst() as
      Pick<ShareRow, 'title' | 'snapshot' | 'created_at'> | undefined;
    if (!row) return undefined;
    const snapshot = JSON.parse(row.snapshot) as ShareSnapshot;
    return { title: row.title, sharedAt: iso(row.created_at), messages: snapshot.messages };
  },
};

/**
 * Revokes every share of a user: chat's user.deleted handler calls it in its transaction.
 * (Deleting a conversation revokes its shares by itself: foreign key, on delete cascade.)
 */
export async function eraseUserShares(trx: Db, userId: string): Promise<void> {
  await trx.deleteFrom('shares').where('user_id', '=', userId).execute();
}
