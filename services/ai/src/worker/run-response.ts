import { createEvent } from '@versaai/events';
import { ProblemError, type Logger } from '@versaai/kernel';
import type { ServiceContext } from '@versaai/runtime';
import type { ResponseRef } from '@versaai/storage';
import type { GenerationResult, ResolvedModel } from '../generation/types.ts';
import { QueueFullError } from '../admission/queue-full.ts';
import { isCacheable } from '../cache/cache-key.ts';
import { finalizeJob, markStarted, type FinalStatus, type ResponseJob } from '../jobs/responses-store.ts';
import type { Plan } from '../quota/plans.ts';
import { chargeTokens, releaseMessage, reserveMessage } from '../quota/quota-store.ts';
import { utcDay } from '../quota/utc-day.ts';
import { recordUsage } from '../usage/usage-store.ts';
import { executeGeneration, type ExecutionDeps } from './execute-generation.ts';
import { LeaseLost } from './response-worker.ts';
import { StreamWriter } from './stream-writer.ts';
import { generateTitle } from './generate-title.ts';
import { recoverFinished } from './recover-finished.ts';

export interface RunResponseDeps extends ExecutionDeps {
  ctx: ServiceContext;
  logger: Logger;
  owner: string;
  maxAttempts: number;
  stream: { flushIntervalMs: number; flushBytes: number };
  planOf(userId: string): Plan;
}

const SOURCE = 'ai';

function failure(model: { id: string; provider: string }, code: string, status: FinalStatus = 'failed'): GenerationResult {
  return {
    status, content: '', model: model.id, provider: model.provider, usage: { promptTokens: 0, completionTokens: 0 }, costUsd: 0,
    finishReason: status === 'cancelled' ? 'cancelled' : 'error', errorCode: code,
  };
}

/**
 * Runs one chat response job to its end: stream entries (status, deltas, end) and then, in one
 * transaction, the final status, the usage row, the tokens charged to the quota and the
 * ai.response.generated event — guarded so there is exactly one final event per response.
 */
export async function runResponse(deps: RunResponseDeps, job: ResponseJob, signal: AbortSignal): Promise<void> {
  const { ctx } = deps;
  const logger = deps.logger.child({ responseId: job.id, attempt: job.attempts });
  const ref: ResponseRef = { responseId: job.id, conversationId: job.conversationId, userId: job.userId };
  const writer = new StreamWriter(ctx.responseStreams, ref, {
    ...deps.stream, onError: (error) => logger.warn({ err: error }, 'could not append to the response stream'),
  });
  const unknownModel = { id: job.request.model ?? 'default', provider: 'none' };

  const [earlier, cancelRequested] = await Promise.all([ctx.responseStreams.read(job.id, 0), ctx.responseStreams.isCancelRequested(job.id)]);
  const plan = deps.planOf(job.userId);
  const recovered = recoverFinished(earlier, job, deps.generator, plan.name);
  if (!recovered) {
    // A previous attempt (a process that died) may have streamed part of an answer: clients start over.
    if (earlier.length > 0) writer.write({ type: 'reset', reason: 'restarted' });
    writer.write({ type: 'status', status: 'queued' });
  }

  let result: GenerationResult;
  let model: ResolvedModel | undefined;
  let cached = false;
  // A job started at intake holds its message of the quota already; it gives it back (with the
  // final status, atomically) unless it got as far as the model, as if it had never taken it.
  let reachedModel = false;
  if (recovered) {
    logger.info('the previous attempt streamed the whole answer before dying: finishing it from the stream');
    result = recovered;
  } else if (job.attempts > deps.maxAttempts) {
    result = failure(unknownModel, 'AI_ATTEMPTS_EXHAUSTED');
  } else if (signal.aborted || cancelRequested) {
    if (signal.reason instanceof LeaseLost) return;
    result = failure(unknownModel, 'AI_CANCELLED', 'cancelled');
  } else {
    try {
      model = deps.generator.resolve(job.request.model, plan.name);
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      result = failure(unknownModel, error.code);
    }
    if (model) {
      const resolved = model;
      // The quota is charged once per job, whatever the number of attempts; one write transaction.
      const day = utcDay();
      const admitted = job.startedAtIntake || await ctx.transaction(async (trx) => {
        if (job.quotaDay === null) {
          if (!await reserveMessage(trx, job.userId, plan, day)) return false;
          job.quotaDay = day;
        }
        await markStarted(trx, job.id, deps.owner, job.quotaDay);
        return true;
      });
      if (!admitted) {
        deps.metrics.quotaRefusals.inc({ plan: plan.name });
        result = failure({ id: resolved.id, provider: resolved.provider }, 'AI_QUOTA_EXCEEDED');
      } else {
        reachedModel = true;
        try {
          ({ result, cached } = await executeGeneration(deps, {
            request: { model: resolved.id, messages: job.request.messages, temperature: job.request.temperature, maxTokens: job.request.maxTokens, userId: job.userId, plan: plan.name },
            model: resolved,
            priority: plan.priority,
            cacheable: isCacheable(job.request),
            signal,
            source: 'chat',
            sink: {
              onStart: (info) => writer.write({ type: 'status', status: 'streaming', model: info.model, provider: info.provider }),
              onDelta: (text) => writer.delta(text),
            },
          }));
        } catch (error) {
          if (!(error instanceof QueueFullError)) throw error;
          // Not answered: the message does not count against the quota.
          if (job.quotaDay) await releaseMessage(ctx.db, job.userId, job.quotaDay);
          result = failure({ id: resolved.id, provider: resolved.provider }, 'AI_QUEUE_FULL');
        }
      }
    }
  }
  // Lost the lease (another replica adopted the job) or shutting down: the adopter finishes it.
  if (signal.reason instanceof LeaseLost) {
    await writer.flush();
    return;
  }
  result = result!;

  if (!recovered) writer.write({ type: 'end', status: result.status, finishReason: result.finishReason, ...(result.errorCode ? { errorCode: result.errorCode } : {}) });
  await writer.flush();

  const published = await ctx.transaction(async (trx, publish) => {
    if (!await finalizeJob(trx, job.id, deps.owner, result.status)) return false;
    if (job.startedAtIntake && !reachedModel) {
      await releaseMessage(trx, job.userId, job.quotaDay!);
    } else if (job.quotaDay) {
      await recordUsage(trx, { id: job.id, userId: job.userId, day: job.quotaDay, source: 'chat', result, cached });
      if (!cached) await chargeTokens(trx, job.userId, job.quotaDay, result.usage.promptTokens + result.usage.completionTokens);
    }
    await publish([createEvent('ai.response.generated', {
      conversationId: job.conversationId, messageId: job.messageId, responseId: job.id, userId: job.userId,
      status: result.status, content: result.content, model: result.model, provider: result.provider,
      usage: result.usage, costUsd: result.costUsd, finishReason: result.finishReason,
      ...(result.errorCode ? { errorCode: result.errorCode } : {}), cached,
    }, { source: SOURCE, key: job.conversationId })]);
    return true;
  });
  if (!published) {
    logger.warn('the response was finished elsewhere (lease taken over); this attempt\'s result is dropped');
    return;
  }
  if (job.request.generateTitle && result.status === 'completed' && model) {
    await generateTitle(deps, { job, plan, model, answer: result.content }).catch((error: unknown) => {
      logger.warn({ err: error }, 'could not generate the conversation title');
    });
  }
}
