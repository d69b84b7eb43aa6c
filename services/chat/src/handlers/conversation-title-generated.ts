import type { EventData, EventEnvelope, EventHandler } from '@versaai/events';
import { LIMITS } from '../api-types.ts';
import { nowIso, notify, type ChatDeps } from '../chat-deps.ts';
import { conversationsRepository } from '../conversations/conversations-repository.ts';
import { cleanGeneratedTitle } from '../text-checks.ts';

/** A title proposed after the first exchange; a title the user gave (or gives meanwhile) always wins. */
export function onConversationTitleGenerated(deps: ChatDeps): EventHandler {
  return async (event: EventEnvelope<EventData<'conversation.title.generated'>>, { trx }) => {
    const { conversationId, userId } = event.data;
    const title = cleanGeneratedTitle(event.data.title, LIMITS.title);
    if (title === undefined) return;
    if (!await conversationsRepository.setGeneratedTitle(trx, userId, conversationId, title, nowIso(deps))) return;
    const conversation = await conversationsRepository.find(trx, userId, conversationId);
    if (conversation) notify(deps, userId, { type: 'conversation.updated', conversation });
  };
}
