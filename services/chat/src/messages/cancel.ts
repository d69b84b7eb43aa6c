import { UNFINISHED_MESSAGE_STATUSES, type CancelAccepted } from '../api-types.ts';
import type { ChatDeps } from '../chat-deps.ts';
import { conversationsRepository } from '../conversations/conversations-repository.ts';
import { conversationNotFound, responseNotFound } from '../problems.ts';
import { messagesRepository } from './messages-repository.ts';

/**
 * Asks whoever generates the answer to stop. The final `cancelled` state (with the partial
 * text) arrives in ai.response.generated; if nobody is generating it, the reaper ends it as
 * cancelled. An answer that already ended is left as it is.
 */
export async function cancelResponse(deps: ChatDeps, userId: string, conversationId: string, responseId: string): Promise<CancelAccepted> {
  if (!await conversationsRepository.find(deps.db, userId, conversationId)) throw conversationNotFound();
  const response = await messagesRepository.find(deps.db, userId, conversationId, responseId);
  if (!response || response.role !== 'assistant') throw responseNotFound();
  const running = (UNFINISHED_MESSAGE_STATUSES as readonly string[]).includes(response.status);
  if (running) await deps.responseStreams.requestCancel(responseId);
  return { responseId, cancelRequested: running, status: response.status };
}
