import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { authenticate } from '@versaai/identity';
import type { ServiceContext } from '@versaai/runtime';
import type { ChatMessage, GenerationSink } from '../generation/types.ts';
import { isCacheable } from '../cache/cache-key.ts';
import { QueueFullError } from '../admission/queue-full.ts';
import type { Plan } from '../quota/plans.ts';
import { QuotaHeadroom } from '../quota/quota-headroom.ts';
import { quotaExceeded, releaseMessage, takeMessage, type QuotaCounters } from '../quota/quota-store.ts';
import { utcDay } from '../quota/utc-day.ts';
import { executeGeneration, type ExecutionOutput } from '../worker/execute-generation.ts';
import type { GenerationCore } from '../worker/generation-core.ts';
import type { Pipeline } from '../worker/pipeline.ts';
import { accountCompletion } from './account-completion.ts';
import { chatCompletionBodySchema, type ChatCompletionBody } from './chat-completion-schema.ts';
import { ChunkWriter, finishReasonOf, usageOf } from './chunks.ts';
import { generationFailure } from './failure-status.ts';
import { sendOpenAiError } from './openai-errors.ts';
import { SseResponse } from './sse-response.ts';

const CACHE_HEADER = 'x-versaai-cache';

function toMessages(body: ChatCompletionBody): ChatMessage[] {
  return body.messages.map((message) => ({
    // OpenAI's newer name for the system role.
    role: message.role === 'developer' ? 'system' : message.role,
    content: typeof message.content === 'string' ? message.content : message.content.map((part) => part.text).join(''),
  }));
}

/**
 * The OpenAI-compatible API (`/v1/chat/completions`, `/v1/models`) for programmatic use with
 * VersaAI API keys: the same quota, admission queue, cache and accounting as the chat flow,
 * with OpenAI's request, response, chunk and error shapes so the official SDKs work unchanged.
 */
export async function openAiRoutes(app: FastifyInstance, ctx: ServiceContext, pipeline: Pipeline, core: () => GenerationCore): Promise<void> {
  app.setErrorHandler(sendOpenAiError);
  const startedAt = Math.floor(Date.now() / 1000);
  const headroom = new QuotaHeadroom();
  /** One reservation in the store; what it answers also updates this process's view. */
  const reserve = async (userId: string, plan: Plan, day: string, begun: boolean): Promise<boolean> => {
    let counters: QuotaCounters | undefined;
    try {
      counters = await takeMessage(ctx.db, userId, plan, day);
    } catch (error) {
      if (begun) headroom.settle(userId, day, plan, undefined, true);
      throw error;
    }
    headroom.settle(userId, day, plan, counters, begun);
    return counters !== undefined;
  };

  app.get('/v1/models', { onRequest: authenticate({ scope: 'ai:use' }) }, async (request) => {
    const plan = pipeline.planOf(request.identity!.userId);
    return {
      object: 'list',
      data: core().availableModels(plan.name).map((model) => ({ id: model.id, object: 'model', created: startedAt, owned_by: model.provider })),
    };
  });

  app.post<{ Body: ChatCompletionBody }>('/v1/chat/completions', {
    onRequest: authenticate({ scope: 'ai:use' }),
    schema: { body: chatCompletionBodySchema },
  }, async (request, reply) => {
    const body = request.body;
    const userId = request.identity!.userId;
    const plan = pipeline.planOf(userId);
    const model = pipeline.execution.generator.resolve(body.model, plan.name);
    const day = utcDay();
    const controller = new AbortController();
    const refused = (): never => {
      pipeline.metrics.quotaRefusals.inc({ plan: plan.name });
      throw quotaExceeded(plan);
    };
    const speculative = headroom.hasRoom(userId, day, plan);
    let reservation: Promise<boolean>;
    if (speculative) {
      // The store's last word leaves room: the reservation runs once the upstream request is
      // written (on SQLite it holds the thread), and nothing reaches the client before it holds.
      // undici writes on a reused keep-alive socket from a setImmediate of its own (it first
      // lets the socket report a close), queued after this one: hence two turns, not one.
      headroom.begin(userId, day);
      reservation = new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve))).then(() => reserve(userId, plan, day, true));
    } else {
      if (!await reserve(userId, plan, day, false)) refused();
      reservation = Promise.resolve(true);
    }
    const reserved = reservation.catch(() => false);
    /** Before the first byte to the client: the quota holds, or the call is stopped and refused. */
    const confirmQuota = async (): Promise<void> => {
      let held: boolean;
      try {
        held = await reservation;
      } catch (error) {
        controller.abort(new Error('the quota could not be reserved'));
        throw error;
      }
      if (held) return;
      controller.abort(new Error('the daily quota is used up'));
      refused();
    };

    const id = `chatcmpl-${randomUUID().replace(/-/g, '')}`;
    const created = Math.floor(Date.now() / 1000);
    const temperature = body.temperature ?? undefined;
    const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;
    // The client went away before the answer was complete: stop the upstream call.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort(new Error('client closed the connection'));
    });

    const chunks = new ChunkWriter(id, created, model.id);
    let stream: SseResponse | undefined;
    // Known once the store answered: then the first token is answered from the upstream's
    // socket callback itself, so the write leaves before the promise turns that follow it.
    let quotaHeld = !speculative;
    if (speculative) reservation.then((held) => { quotaHeld = held; }, () => {});
    let sent = false;
    const sendStream = () => {
      sent = true;
      stream!.start();
    };
    let onStreamStart: () => void = () => {};
    const streamStarted = new Promise<void>((resolve) => { onStreamStart = resolve; });
    const parts: string[] = [];
    const sink: GenerationSink = body.stream
      ? {
        onStart: () => {
          stream = new SseResponse(reply);
          stream.write(chunks.role());
          onStreamStart();
        },
        onDelta: (text) => {
          stream!.write(chunks.delta(text));
          // The head, the role and the first text leave in one write: the generator hands on
          // the first text right after onStart, in the same turn.
          if (!sent && quotaHeld) sendStream();
        },
      }
      : { onStart: () => {}, onDelta: (text) => parts.push(text) };

    const execution = executeGeneration(pipeline.execution, {
      request: { model: model.id, messages: toMessages(body), temperature, maxTokens, userId, plan: plan.name },
      model,
      priority: plan.priority,
      cacheable: isCacheable({ temperature, cache: request.headers[CACHE_HEADER] === 'true' || request.headers[CACHE_HEADER] === '1' }),
      sink,
      signal: controller.signal,
      source: 'api',
    });
    const accounted = execution.then(async (output) => {
      // Refused by the store after the call began: not answered, so nothing to account.
      if (!await reserved) return;
      try {
        await accountCompletion(ctx, pipeline.erased, { id, userId, day, result: output.result, cached: output.cached });
        if (!output.cached) headroom.charged(userId, day, output.result.usage.promptTokens + output.result.usage.completionTokens);
      } catch (error) {
        request.log.error({ err: error }, 'could not record the usage of a completion');
      }
    }, async (error: unknown) => {
      // Shed by the queue: the message was not answered, so it does not count against the quota.
      if (error instanceof QueueFullError && await reserved) {
        await releaseMessage(ctx.db, userId, day).catch(() => {});
        headroom.released(userId, day);
      }
    });

    if (!body.stream) {
      let output: ExecutionOutput;
      try {
        output = await execution;
      } finally {
        await confirmQuota();
      }
      await accounted;
      const { result } = output;
      if (result.status !== 'completed') throw generationFailure(result);
      return reply.type('application/json').send({
        id, object: 'chat.completion', created, model: model.id, system_fingerprint: null,
        choices: [{ index: 0, message: { role: 'assistant', content: parts.join(''), refusal: null }, logprobs: null, finish_reason: finishReasonOf(result) }],
        usage: usageOf(result),
      });
    }

    const finishStream = (output: ExecutionOutput) => {
      const { result } = output;
      if (!stream) return;
      if (result.status === 'completed') {
        stream.write(chunks.finish(finishReasonOf(result)));
        if (body.stream_options?.include_usage) stream.write(chunks.usage(result));
        stream.write(chunks.done());
      } else if (result.status === 'failed') {
        stream.write(chunks.error(`The model provider failed mid-answer (${result.errorCode ?? 'AI_UPSTREAM_ERROR'}).`, result.errorCode ?? 'AI_UPSTREAM_ERROR'));
      }
      stream.end();
    };
    let first: ExecutionOutput | undefined;
    try {
      first = await Promise.race([streamStarted.then(() => undefined), execution]);
    } finally {
      await confirmQuota();
    }
    if (first && !stream) {
      // Ended before any text: a failure is an HTTP error; an empty answer is a stream of its own.
      if (first.result.status === 'failed') throw generationFailure(first.result);
      if (first.result.status === 'completed') sink.onStart({ model: first.result.model, provider: first.result.provider });
    }
    void execution.then(finishStream, () => stream?.end());
    if (!stream) return reply.code(499).send();
    if (!sent) sendStream();
    return reply;
  });
}
