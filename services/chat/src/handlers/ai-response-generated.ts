import type { EventData } from '@versaai/events';
import type { EventEnvelope, EventHandler } from '@versaai/events';
import { nowIso, notify, type ChatDeps } from '../chat-deps.ts';
import { conversationsRepository } from '../conversations/conversations-repository.ts';
import { messagesRepository } from '../messages/messages-repository.ts';

type Generated = EventData<'ai.response.generated'>;

/**
 * The AI service's final word on an answer: stores it on the pending assistant message, only
 * while that message is unfinished. A redelivered event, or one that arrives after the reaper
 * ended the answer, changes nothing: a final state is never overwritten.
 */
export function onAiResponseGenerated(deps: ChatDeps): EventHandler {
  return async (event: EventEnvelope<Generated>, { trx, logger }) => {
    if (event.version < 2) {
      // v1 carried no final state; nothing produces it since the answer became a pending message.
      logger.warn({ eventId: event.id }, 'ai.response.generated v1 ignored');
      return;
    }
    const data = event.data;
    const now = nowIso(deps);
    const where = { id: data.responseId, userId: data.userId, conversationId: data.conversationId };
    const finished = await messagesRepository.finish(trx, where, {
      status: data.status,
      content: data.content,
      errorCode: data.status === 'completed' ? null : data.errorCode ?? null,
      finishReason: data.finishReason,
      model: data.model,
      provider: data.provider,
      usage: data.usage,
      costUsd: data.costUsd,
    }, now);
    if (!finished) {
      logger.debug({ responseId: data.responseId }, 'answer already final (or gone): event ignored');
      return;
    }
    await conversationsRepository.update(trx, data.userId, data.conversationId, { lastMessageAt: now }, now);
    const message = await messagesRepository.find(trx, data.userId, data.conversationId, data.responseId);
    if (message) notify(deps, data.userId, { type: 'message.updated', conversationId: data.conversationId, message });
  };
}
