import type { EventData, EventEnvelope, EventHandler, HandlerContext } from '@versaai/events';
import { insertJob, type InsertLease, type ResponseJob } from '../jobs/responses-store.ts';
import type { ErasedUsers } from '../privacy/erased-users.ts';

type MessageSent = EventData<'message.sent'>;

export interface IntakeWorker {
  reserve(responseId: string): InsertLease | undefined;
  intake(job: ResponseJob, outcome: { committed: boolean; leased: boolean }): void;
}

export interface IntakeQuota {
  /** Takes one message of the user's daily quota in `trx`: the day it counts for, or undefined when none is left. */
  take(trx: HandlerContext['trx'], userId: string): Promise<string | undefined>;
  giveBack(trx: HandlerContext['trx'], userId: string, day: string): Promise<void>;
}

/**
 * Turns a sent message into a response job, in the handler's transaction: the event is acked
 * once the job exists, and generation runs in the worker (never inside this transaction).
 * When the worker has room the row is inserted already leased to it and started (its message
 * taken from the quota in the same transaction, one commit for both), and handed to the worker
 * once the transaction has committed. A redelivered event finds the row and changes nothing; a
 * message of a user erased before it arrived is dropped (no job, no prompt kept, no quota).
 */
export function onMessageSent(worker: IntakeWorker, quota: IntakeQuota, erased: ErasedUsers): EventHandler {
  // Transactions that hold a quota row already. The consumer runs several transactions at once
  // (PostgreSQL), each with many events: if each could lock several users' counters, two could
  // wait on each other (a deadlock PostgreSQL resolves by aborting one). With one counter per
  // transaction none waits while holding another; later jobs of the batch start the usual way.
  const holdingQuota = new WeakSet<object>();
  return async (event: EventEnvelope<MessageSent>, { trx, logger, afterTransaction }) => {
    // v1 (before responses were pre-created by chat) names no response to fill: nothing to answer into.
    if (event.version < 2) {
      logger.warn({ version: event.version }, 'message.sent without a responseId ignored');
      return;
    }
    const data = event.data;
    if (await erased.holdForWrite(trx, data.userId)) {
      logger.info({ responseId: data.responseId }, 'message.sent of an erased user dropped');
      return;
    }
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
    // Over quota: inserted unstarted, and the run refuses it with the usual outcome.
    const startNow = lease !== undefined && !holdingQuota.has(trx);
    if (startNow) holdingQuota.add(trx);
    const quotaDay = startNow ? await quota.take(trx, job.userId) : undefined;
    const inserted = await insertJob(trx, job, Date.now(), lease && { ...lease, ...(quotaDay ? { quotaDay } : {}) });
    leased = inserted && lease !== undefined;
    if (quotaDay && !inserted) await quota.giveBack(trx, job.userId, quotaDay);
    if (leased && quotaDay) Object.assign(job, { quotaDay, startedAtIntake: true });
  };
}
