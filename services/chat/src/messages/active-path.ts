import type { Conversation, PathMessage } from '../api-types.ts';
import { invalidCursor } from '../conversations/list-cursor.ts';
import type { Db } from '../rows.ts';
import { messagesRepository } from './messages-repository.ts';

export interface PathPage { messages: PathMessage[]; nextCursor: string | null }

/**
 * One page of the conversation's active path, oldest first: the newest `limit` messages, or
 * the `limit` before the message `before`. Each message carries its siblings (the other
 * edits or regenerations at its place), so the client can offer "< 2/3 >" and switch branch.
 */
export async function activePathPage(db: Db, userId: string, conversation: Conversation, opts: { before?: string; limit: number }): Promise<PathPage> {
  let fromId = conversation.activeLeafId;
  if (opts.before !== undefined) {
    const anchor = await messagesRepository.find(db, userId, conversation.id, opts.before);
    if (!anchor) throw invalidCursor('`before` is not a message of this conversation.');
    fromId = anchor.parentId;
  }
  if (fromId === null) return { messages: [], nextCursor: null };
  const { messages, reachesRoot } = await messagesRepository.pathEndingAt(db, conversation.id, fromId, opts.limit);
  const groups = await messagesRepository.siblingGroups(db, conversation.id, messages.map((message) => message.parentId));
  const siblingsOf = new Map(groups.map((group) => [group.parentId, group.ids]));
  return {
    messages: messages.map((message) => {
      const siblingIds = siblingsOf.get(message.parentId) ?? [message.id];
      return { ...message, siblingCount: siblingIds.length, siblingIndex: Math.max(0, siblingIds.indexOf(message.id)), siblingIds };
    }),
    nextCursor: reachesRoot ? null : messages[0]!.id,
  };
}
