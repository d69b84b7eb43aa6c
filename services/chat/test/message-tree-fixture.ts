import { newMessageRow, type MessageRow } from '../src/messages/message-row.ts';
import type { Db } from '../src/rows.ts';

/** Milliseconds after a fixed epoch, as stored timestamps: tests never depend on the wall clock. */
export function at(ms: number): string {
  return new Date(Date.UTC(2025, 0, 1) + ms).toISOString();
}

export async function insertConversation(db: Db, id: string, userId: string, opts: { pinned?: boolean; archived?: boolean; lastMessageAt?: string; activeLeafId?: string | null } = {}): Promise<void> {
  await db.insertInto('conversations').values({
    id, user_id: userId, title: null, title_source: null, pinned: opts.pinned ? 1 : 0, archived: opts.archived ? 1 : 0,
    active_leaf_id: opts.activeLeafId ?? null, created_at: at(0), updated_at: at(0), last_message_at: opts.lastMessageAt ?? at(0),
  }).execute();
}

/** A single branch of `count` messages (user, assistant, user, …) whose ids are `<prefix>-<n>` (zero-padded so ids sort in order). */
export async function insertChain(db: Db, conversationId: string, userId: string, count: number, prefix = 'm'): Promise<string[]> {
  const ids: string[] = [];
  const rows: MessageRow[] = [];
  for (let n = 0; n < count; n++) {
    const id = `${prefix}-${String(n).padStart(6, '0')}`;
    rows.push(newMessageRow({
      id, conversationId, userId, parentId: n === 0 ? null : ids[n - 1]!, role: n % 2 === 0 ? 'user' : 'assistant',
      content: `text ${n}`, status: 'completed', now: at(n),
    }));
    ids.push(id);
  }
  // 16 columns a row: 500 rows stay below both dialects' bound-parameter limits.
  for (let start = 0; start < rows.length; start += 500) await db.insertInto('messages').values(rows.slice(start, start + 500)).execute();
  return ids;
}
