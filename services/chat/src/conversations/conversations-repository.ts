import type { Conversation } from '../api-types.ts';
import { flag, type Db } from '../rows.ts';
import { toConversation, type ConversationRow } from './conversation-row.ts';
import type { ListPosition } from './list-cursor.ts';

export interface ConversationChanges {
  title?: string | null;
  titleSource?: 'auto' | 'user' | null;
  pinned?: boolean;
  archived?: boolean;
  activeLeafId?: string | null;
  lastMessageAt?: string;
}

export interface ListFilter {
  archived: boolean;
  pinned?: boolean;
  limit: number;
  after?: ListPosition;
}

/** The list page's query (index conversations_user_list), exported so tests can read its plan. */
export function listQuery(db: Db, userId: string, filter: ListFilter) {
  let query = db.selectFrom('conversations').selectAll()
    .where('user_id', '=', userId)
    .where('archived', '=', flag(filter.archived));
  if (filter.pinned !== undefined) query = query.where('pinned', '=', flag(filter.pinned));
  const after = filter.after;
  if (after) {
    query = query.where((eb) => eb(eb.refTuple('pinned', 'last_message_at', 'id'), '<', eb.tuple(flag(after.pinned), after.lastMessageAt, after.id)));
  }
  return query.orderBy('pinned', 'desc').orderBy('last_message_at', 'desc').orderBy('id', 'desc').limit(filter.limit);
}

/** Every SQL statement of the conversations table. Reads are always scoped to the owner: another user's id is "not found". */
export const conversationsRepository = {
  async insert(db: Db, conversation: { id: string; userId: string; title: string | null; titleSource: 'user' | null; now: string }): Promise<Conversation> {
    const row: ConversationRow = {
      id: conversation.id,
      user_id: conversation.userId,
      title: conversation.title,
      title_source: conversation.titleSource,
      pinned: 0,
      archived: 0,
      active_leaf_id: null,
      created_at: conversation.now,
      updated_at: conversation.now,
      last_message_at: conversation.now,
    };
    await db.insertInto('conversations').values(row).execute();
    return toConversation(row);
  },

  /** `forUpdate` (PostgreSQL only) locks the row until commit for a read-modify-write. */
  async find(db: Db, userId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<Conversation | undefined> {
    let query = db.selectFrom('conversations').selectAll().where('id', '=', id).where('user_id', '=', userId);
    if (opts.forUpdate) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toConversation(row as ConversationRow) : undefined;
  },

  /** Writes the given fields; false when the user has no such conversation. */
  async update(db: Db, userId: string, id: string, changes: ConversationChanges, now: string): Promise<boolean> {
    const values: Record<string, unknown> = { updated_at: now };
    if (changes.title !== undefined) values.title = changes.title;
    if (changes.titleSource !== undefined) values.title_source = changes.titleSource;
    if (changes.pinned !== undefined) values.pinned = flag(changes.pinned);
    if (changes.archived !== undefined) values.archived = flag(changes.archived);
    if (changes.activeLeafId !== undefined) values.active_leaf_id = changes.activeLeafId;
    if (changes.lastMessageAt !== undefined) values.last_message_at = changes.lastMessageAt;
    const result = await db.updateTable('conversations').set(values).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },

  /** A generated title, unless the user named the conversation (checked in the same statement, so a rename in between wins). */
  async setGeneratedTitle(db: Db, userId: string, id: string, title: string, now: string): Promise<boolean> {
    const result = await db.updateTable('conversations')
      .set({ title, title_source: 'auto', updated_at: now })
      .where('id', '=', id).where('user_id', '=', userId)
      .where((eb) => eb.or([eb('title_source', 'is', null), eb('title_source', '<>', 'user')]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },

  /**
   * One page in list order: pinned first, then by last message, newest first (id breaks ties).
   * The keyset (a row comparison on the index's own columns) makes every page an index range
   * read in index order (no sort), however deep, and stays exact while conversations are added.
   */
  async list(db: Db, userId: string, filter: ListFilter): Promise<Conversation[]> {
    const rows = await listQuery(db, userId, filter).execute();
    return (rows as ConversationRow[]).map(toConversation);
  },

  /** Deletes the conversation; its messages go with it (foreign key, on delete cascade). */
  async delete(db: Db, userId: string, id: string): Promise<boolean> {
    const result = await db.deleteFrom('conversations').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  },

  async listAll(db: Db, userId: string): Promise<Conversation[]> {
    const rows = await db.selectFrom('conversations').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
    return (rows as ConversationRow[]).map(toConversation);
  },

  async eraseUser(db: Db, userId: string): Promise<void> {
    await db.deleteFrom('messages').where('user_id', '=', userId).execute();
    await db.deleteFrom('conversations').where('user_id', '=', userId).execute();
  },
};
