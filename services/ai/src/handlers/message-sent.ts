import type { EventData, EventEnvelope, EventHandler } from '@versaai/events';
import { insertJob } from '../jobs/responses-store.ts';

type MessageSent = EventData<'message.sent'>;

/**
 * Turns a sent message into a response job, in the handler's transaction: the event is acked
 * once the job exists, and generation runs in the worker (never inside this transaction).
 * A redelivered event finds the row and changes nothing.
 */
export function onMessageSent(worker: { expect(responseId: string): void }): EventHandler {
  return async (event: EventEnvelope<MessageSent>, { trx, logger }) => {
    // v1 (before responses were pre-created by chat) names no response to fill: nothing to answer into.
    if (event.version < 2) {
      logger.warn({ version: event.version }, 'message.sent without a responseId ignored');
      return;
    }
    const data = event.data;
    await insertJob(trx, {
      id: data.responseId,
      userId: data.userId,
      conversationId: data.conversationId,
      messageId: data.messageId,
      request: {
        ...(data.model ? { model: data.model } : {}),
        messages: [...data.history, { role: 'user', content: data.content }],
        ...(data.parameters.temperature === undefined ? {} : { temperature: data.parameters.temperature }),
        ...(data.parameters.maxTokens === undefined ? {} : { maxTokens: data.parameters.maxTokens }),
        ...(data.parameters.cache === undefined ? {} : { cache: data.parameters.cache }),
        generateTitle: data.generateTitle,
      },
    });
    worker.expect(data.responseId);
  };
}
