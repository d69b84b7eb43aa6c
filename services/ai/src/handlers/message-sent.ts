import type { EventData, EventEnvelope, EventHandler } from '@versaai/events';
import { insertJob, type InsertLease, type ResponseJob } from '../jobs/responses-store.ts';

type MessageSent = EventData<'message.sent'>;

export interface IntakeWorker {
  reserve(responseId: string): InsertLease | undefined;
  intake(job: ResponseJob, outcome: { committed: boolean; leased: boolean }): void;
}

/**
 * Turns a sent message into a response job, in the handler's transaction: the event is acked
 * once the job exists, and generation runs in the worker (never inside this transaction).
 * When the worker has room the row is inserted already leased to it, and handed to it once the
 * transaction has committed. A redelivered event finds the row and changes nothing.
 */
export function onMessageSent(worker: IntakeWorker): EventHandler {
  return async (event: EventEnvelope<MessageSent>, { trx, logger, afterTransaction }) => {
    // v1 (before responses were pre-created by chat) names no response to fill: nothing to answer into.
    if (event.version < 2) {
      logger.warn({ version: event.version }, 'message.sent without a responseId ignored');
      return;
    }
    const data = event.data;
    const job: ResponseJob = {
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
      attempts: 1,
      quotaDay: null,
    };
    const lease = worker.reserve(job.id);
    let leased = false;
    // Registered before the insert so a failing insert still gives the reservation back.
    afterTransaction((committed) => worker.intake(job, { committed, leased }));
    const inserted = await insertJob(trx, job, Date.now(), lease);
    leased = inserted && lease !== undefined;
  };
}
