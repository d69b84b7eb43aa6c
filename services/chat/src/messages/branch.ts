import { LIMITS, type ConversationWithPath } from '../api-types.ts';
import { nowIso, notify, type ChatDeps } from '../chat-deps.ts';
import { conversationsRepository } from '../conversations/conversations-repository.ts';
import { conversationNotFound, messageNotFound } from '../problems.ts';
import { activePathPage } from './active-path.ts';
import { messagesRepository } from './messages-repository.ts';

/**
 * Makes the branch through `messageId` the active one. Its end is found by always following
 * the newest child, so choosing an older edit shows that edit's latest answer and follow-ups.
 */
export async function switchBranch(deps: ChatDeps, userId: string, conversationId: string, messageId: string, limit: number = LIMITS.pathPageSize): Promise<ConversationWithPath> {
  const result = await deps.transaction(async (trx) => {
    const conversation = await conversationsRepository.find(trx, userId, conversationId, { forUpdate: deps.dialect === 'postgres' });
    if (!conversation) throw conversationNotFound();
    if (!await messagesRepository.find(trx, userId, conversationId, messageId)) throw messageNotFound();
    const leaf = (await messagesRepository.newestLeaf(trx, conversationId, messageId)) ?? messageId;
    await conversationsRepository.update(trx, userId, conversationId, { activeLeafId: leaf }, nowIso(deps));
    const updated = (await conversationsRepository.find(trx, userId, conversationId))!;
    const path = await activePathPage(trx, userId, updated, { limit });
    return { conversation: updated, messages: path.messages, nextCursor: path.nextCursor };
  });
  notify(deps, userId, { type: 'conversation.updated', conversation: result.conversation });
  return result;
}
