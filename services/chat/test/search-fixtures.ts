import type { Kysely } from 'kysely';

// Rows written straight into the chat tables, as chat-core's repositories store them, so the
// search, export and share tests do not depend on the message flow (and the AI service).

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let clock = Date.parse('2026-01-01T00:00:00.000Z');

/** Strictly increasing timestamps: the order rows are written is the order they sort in. */
export function tick(): string {
  clock += 1_000;
  return new Date(clock).toISOString();
}

let serial = 0;
export function fixtureId(prefix: string): string {
  serial += 1;
  return `${prefix}-${process.pid}-${serial.toString().padStart(6, '0')}`;
}

export async function insertConversation(db: Db, userId: string, title: string | null, opts: { id?: string } = {}): Promise<string> {
  const id = opts.id ?? fixtureId('conv');
  const now = tick();
  await db.insertInto('conversations').values({
    id, user_id: userId, title, title_source: title === null ? null : 'user', pinned: 0, archived: 0, active_leaf_id: null,
    created_at: now, updated_at: now, last_message_at: now,
  }).execute();
  return id;
}

export interface MessageInit {
  role?: 'user' | 'assistant' | 'system';
  parentId?: string | null;
  status?: string;
  model?: string | null;
  provider?: string | null;
  /** Make it the end of the active branch (default true). */
  activate?: boolean;
}

/** Inserts a message (user by default) and, unless told otherwise, makes it the conversation's active leaf. */
export async function insertMessage(db: Db, conversationId: string, userId: string, content: string, init: MessageInit = {}): Promise<string> {
  const id = fixtureId('msg');
  const now = tick();
  await db.insertInto('messages').values({
    id, conversation_id: conversationId, user_id: userId, parent_id: init.parentId ?? null, role: init.role ?? 'user', content,
    status: init.status ?? 'completed', error_code: null, model: init.model ?? null, provider: init.provider ?? null,
    prompt_tokens: 0, completion_tokens: 0, cost_usd: 0, finish_reason: null, created_at: now, updated_at: now,
  }).execute();
  if (init.activate ?? true) {
    await db.updateTable('conversations').set({ active_leaf_id: id, last_message_at: now }).where('id', '=', conversationId).execute();
  }
  return id;
}

/** A chain of messages, each the child of the previous one, alternating user / assistant. */
export async function insertChain(db: Db, conversationId: string, userId: string, contents: string[], opts: { model?: string } = {}): Promise<string[]> {
  const ids: string[] = [];
  for (const [index, content] of contents.entries()) {
    const role = index % 2 === 0 ? 'user' : 'assistant';
    ids.push(await insertMessage(db, conversationId, userId, content, {
      role, parentId: ids.at(-1) ?? null, ...(role === 'assistant' ? { model: opts.model ?? 'versaai-offline', provider: 'offline' } : {}),
    }));
  }
  return ids;
}
