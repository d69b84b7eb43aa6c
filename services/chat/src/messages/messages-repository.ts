import { sql, type RawBuilder } from 'kysely';
import { UNFINISHED_MESSAGE_STATUSES, type Message } from '../api-types.ts';
import type { Db } from '../rows.ts';
import { storableText } from '../text-checks.ts';
import { toMessage, type MessageRow } from './message-row.ts';

/** The final state of an answer, from the AI service or the reaper. */
export interface ResponseOutcome {
  status: 'completed' | 'failed' | 'cancelled';
  content: string;
  errorCode: string | null;
  finishReason: string | null;
  model?: string;
  provider?: string;
  usage?: { promptTokens: number; completionTokens: number };
  costUsd?: number;
}

export interface SiblingGroup { parentId: string | null; ids: string[] }

/**
 * `fromId` and up to `limit - 1` of its ancestors, nearest first. Each step is a primary-key
 * lookup of the parent, so the cost is the page size, not the conversation's length: the
 * newest page of a 10,000-message conversation reads as many rows as that of a 10-message one.
 */
export function ancestorsQuery(conversationId: string, fromId: string, limit: number): RawBuilder<MessageRow & { depth: number }> {
  return sql<MessageRow & { depth: number }>`
    with recursive path as (
      select messages.*, 1 as depth from messages where id = ${fromId} and conversation_id = ${conversationId}
      union all
      select m.*, path.depth + 1 from messages m join path on m.id = path.parent_id
      where path.depth < ${limit} and m.conversation_id = ${conversationId}
    )
    select * from path order by depth`;
}

/** The leaf reached from `fromId` by always taking the newest child: where a chosen branch ends. */
export function newestLeafQuery(conversationId: string, fromId: string): RawBuilder<{ id: string; depth: number }> {
  return sql<{ id: string; depth: number }>`
    with recursive down as (
      select id, 1 as depth from messages where id = ${fromId} and conversation_id = ${conversationId}
      union all
      select (select c.id from messages c where c.conversation_id = ${conversationId} and c.parent_id = down.id
              order by c.created_at desc, c.id desc limit 1), down.depth + 1
      from down where down.id is not null
    )
    select id, depth from down where id is not null order by depth desc limit 1`;
}

/** The children of the given messages (index messages_children), grouped by parent, oldest first. */
export function childrenQuery(db: Db, conversationId: string, parentIds: string[]) {
  return db.selectFrom('messages').select(['id', 'parent_id'])
    .where('conversation_id', '=', conversationId).where('parent_id', 'in', parentIds)
    .orderBy('parent_id').orderBy('created_at').orderBy('id')
    .$castTo<{ id: string; parent_id: string | null }>();
}

/** The first messages of a conversation (parent_id null), oldest first. */
export function rootsQuery(db: Db, conversationId: string) {
  return db.selectFrom('messages').select(['id', 'parent_id'])
    .where('conversation_id', '=', conversationId).where('parent_id', 'is', null)
    .orderBy('created_at').orderBy('id')
    .$castTo<{ id: string; parent_id: string | null }>();
}

/** Every SQL statement of the messages table. */
export const messagesRepository = {
  async insert(db: Db, rows: MessageRow[]): Promise<void> {
    await db.insertInto('messages').values(rows).execute();
  },

  /** The message, only if it belongs to this user's conversation. */
  async find(db: Db, userId: string, conversationId: string, id: string): Promise<Message | undefined> {
    const row = await db.selectFrom('messages').selectAll()
      .where('id', '=', id).where('conversation_id', '=', conversationId).where('user_id', '=', userId)
      .executeTakeFirst();
    return row ? toMessage(row as MessageRow) : undefined;
  },

  /** The path ending at `fromId`, oldest first, at most `limit` messages; `reachesRoot` when nothing is older. */
  async pathEndingAt(db: Db, conversationId: string, fromId: string, limit: number): Promise<{ messages: Message[]; reachesRoot: boolean }> {
    const { rows } = await ancestorsQuery(conversationId, fromId, limit).execute(db);
    const messages = rows.map(toMessage).reverse();
    return { messages, reachesRoot: messages.length === 0 || messages[0]!.parentId === null };
  },

  /**
   * pathEndingAt in one statement with find(): undefined unless `fromId` is one of `userId`'s
   * messages in the conversation (it is the path's last message).
   */
  async ownedPathEndingAt(db: Db, userId: string, conversationId: string, fromId: string, limit: number): Promise<Message[] | undefined> {
    const { rows } = await ancestorsQuery(conversationId, fromId, limit).execute(db);
    if (rows[0]?.user_id !== userId) return undefined;
    return rows.map(toMessage).reverse();
  },

  /** The children of each given parent (null: the conversation's first messages), oldest first. */
  async siblingGroups(db: Db, conversationId: string, parentIds: readonly (string | null)[]): Promise<SiblingGroup[]> {
    const ids = [...new Set(parentIds.filter((id): id is string => id !== null))];
    const groups = new Map<string | null, string[]>();
    const collect = (rows: { id: string; parent_id: string | null }[]) => {
      for (const row of rows) {
        const list = groups.get(row.parent_id) ?? [];
        list.push(row.id);
        groups.set(row.parent_id, list);
      }
    };
    if (ids.length > 0) collect(await childrenQuery(db, conversationId, ids).execute());
    if (parentIds.includes(null)) collect(await rootsQuery(db, conversationId).execute());
    return [...groups].map(([parentId, children]) => ({ parentId, ids: children }));
  },

  async newestLeaf(db: Db, conversationId: string, fromId: string): Promise<string | undefined> {
    const { rows } = await newestLeafQuery(conversationId, fromId).execute(db);
    return rows[0]?.id;
  },

  /** Writes an answer's final state unless it has one already: never overwrites completed/failed/cancelled. */
  async finish(db: Db, where: { id: string; userId: string; conversationId: string }, outcome: ResponseOutcome, now: string): Promise<boolean> {
    const values: Record<string, unknown> = {
      status: outcome.status,
      content: storableText(outcome.content),
      error_code: outcome.errorCode,
      finish_reason: outcome.finishReason,
      updated_at: now,
    };
    if (outcome.model !== undefined) values.model = outcome.model;
    if (outcome.provider !== undefined) values.provider = outcome.provider;
    if (outcome.usage) {
      values.prompt_tokens = outcome.usage.promptTokens;
      values.completion_tokens = outcome.usage.completionTokens;
    }
    if (outcome.costUsd !== undefined) values.cost_usd = outcome.costUsd;
    const result = await db.updateTable('messages').set(values)
      .where('id', '=', where.id).where('user_id', '=', where.userId).where('conversation_id', '=', where.conversationId)
      .where('role', '=', 'assistant').where('status', 'in', [...UNFINISHED_MESSAGE_STATUSES])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },

  /**
   * Answers still unfinished whose row has not changed after `before` (the reaper's candidates),
   * oldest first, a page after `after` (index messages_unfinished).
   */
  async unfinishedSince(db: Db, before: string, limit: number, after?: { updatedAt: string; id: string }): Promise<MessageRow[]> {
    let query = db.selectFrom('messages').selectAll()
      .where('status', 'in', [...UNFINISHED_MESSAGE_STATUSES]).where('updated_at', '<=', before);
    if (after) query = query.where((eb) => eb(eb.refTuple('updated_at', 'id'), '>', eb.tuple(after.updatedAt, after.id)));
    return await query.orderBy('updated_at').orderBy('id').limit(limit).execute() as MessageRow[];
  },

  /** Ids of the conversation's answers still being produced. */
  async unfinishedIn(db: Db, userId: string, conversationId: string): Promise<string[]> {
    const rows = await db.selectFrom('messages').select('id')
      .where('conversation_id', '=', conversationId).where('user_id', '=', userId)
      .where('status', 'in', [...UNFINISHED_MESSAGE_STATUSES]).execute();
    return rows.map((row) => row.id as string);
  },

  async listAll(db: Db, userId: string): Promise<Message[]> {
    const rows = await db.selectFrom('messages').selectAll().where('user_id', '=', userId)
      .orderBy('conversation_id').orderBy('created_at').orderBy('id').execute();
    return (rows as MessageRow[]).map(toMessage);
  },
};
