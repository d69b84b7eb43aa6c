import type { Conversation, Message } from '../api-types.ts';
import { conversationsRepository } from '../conversations/conversations-repository.ts';
import { toMessage, type MessageRow } from '../messages/message-row.ts';
import type { Db } from '../rows.ts';

/** A whole conversation as stored: every branch, and the branch the user is on. */
export interface ConversationExport {
  conversation: Conversation;
  /** Every message of the tree, oldest first. */
  messages: Message[];
  /** The active branch, first message to active leaf. */
  activePath: Message[];
}

/** The active branch within a loaded tree, walked up from the leaf by parent id. */
export function activePathOf(messages: readonly Message[], leafId: string | null): Message[] {
  const byId = new Map(messages.map((message) => [message.id, message]));
  const path: Message[] = [];
  // A parent cycle cannot be written through the API; the bound keeps a corrupt tree from hanging the export.
  let id = leafId;
  while (id !== null && path.length < messages.length) {
    const message = byId.get(id);
    if (!message) break;
    path.push(message);
    id = message.parentId;
  }
  return path.reverse();
}

/** The user's conversation with all of its messages; undefined when the user has no such conversation. */
export async function loadConversationExport(db: Db, userId: string, conversationId: string): Promise<ConversationExport | undefined> {
  const conversation = await conversationsRepository.find(db, userId, conversationId);
  if (!conversation) return undefined;
  const rows = await db.selectFrom('messages').selectAll()
    .where('conversation_id', '=', conversationId).where('user_id', '=', userId)
    .orderBy('created_at').orderBy('id')
    .execute();
  const messages = (rows as MessageRow[]).map(toMessage);
  return { conversation, messages, activePath: activePathOf(messages, conversation.activeLeafId) };
}
