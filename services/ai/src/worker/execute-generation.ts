import type { GenerationRequest, GenerationResult, GenerationSink, Generator, ResolvedModel } from '../generation/types.ts';
import type { AdmissionQueue } from '../admission/admission-queue.ts';
import { QueueFullError } from '../admission/queue-full.ts';
import { cacheKey } from '../cache/cache-key.ts';
import { recordingSink, replayCached } from '../cache/replay.ts';
import type { ResponseCache } from '../cache/response-cache.ts';
import type { AiMetrics } from '../metrics/ai-metrics.ts';

export interface ExecutionDeps {
  generator: Generator;
  queue: AdmissionQueue;
  cache: ResponseCache;
  metrics: AiMetrics;
}

export interface ExecutionInput {
  /** `model` is the resolved registry id. */
  request: GenerationRequest;
  model: ResolvedModel;
  priority: number;
  cacheable: boolean;
  sink: GenerationSink;
  signal: AbortSignal;
  source: 'chat' | 'api' | 'title';
}

export interface ExecutionOutput {
  result: GenerationResult;
  cached: boolean;
}

function cancelledBeforeStart(model: ResolvedModel): GenerationResult {
  return {
    status: 'cancelled', content: '', model: model.id, provider: model.provider, usage: { promptTokens: 0, completionTokens: 0 },
    costUsd: 0, finishReason: 'cancelled', errorCode: 'AI_CANCELLED',
  };
}

/**
 * One answer through the shared path of the chat flow and /v1: exact cache (with single-flight),
 * admission, generation, metrics. Throws QueueFullError when shed; everything else — upstream
 * failures, aborts — comes back as a result.
 */
export async function executeGeneration(deps: ExecutionDeps, input: ExecutionInput): Promise<ExecutionOutput> {
  const { model } = input;
  let settle: ((answer: { result: GenerationResult; deltas: string[] } | undefined) => void) | undefined;
  if (input.cacheable) {
    const key = cacheKey({ userId: input.request.userId, model: model.id, messages: input.request.messages,
      temperature: input.request.temperature, maxTokens: input.request.maxTokens });
    // Only a lookup that has to read the shared store is a promise; the memory store answers at once.
    const found = deps.cache.lookup(key);
    const outcome = found instanceof Promise ? await found : found;
    if (outcome.kind === 'hit') {
      deps.metrics.cacheLookups.inc({ result: 'hit' });
      return finish(deps, input, replayCached(outcome.answer, input.sink), true);
    }
    if (outcome.kind === 'follower') {
      // Single-flight: an identical request in progress answers this one too ('shared').
      const answer = await outcome.answer;
      deps.metrics.cacheLookups.inc({ result: answer ? 'shared' : 'miss' });
      if (answer) return finish(deps, input, replayCached(answer, input.sink), true);
    } else {
      deps.metrics.cacheLookups.inc({ result: 'miss' });
      settle = outcome.settle;
    }
  }

  try {
    if (input.signal.aborted) return finish(deps, input, cancelledBeforeStart(model), false);
    let release: () => void;
    try {
      release = await deps.queue.admit({ provider: model.provider, userId: input.request.userId, priority: input.priority, signal: input.signal });
    } catch (error) {
      if (error instanceof QueueFullError) {
        deps.metrics.shed.inc({ provider: model.provider, scope: error.scope });
        throw error;
      }
      if (input.signal.aborted) return finish(deps, input, cancelledBeforeStart(model), false);
      throw error;
    }
    try {
      const started = performance.now();
      let firstDelta = true;
      const measured: GenerationSink = {
        onStart: (info) => input.sink.onStart(info),
        onDelta: (text) => {
          if (firstDelta) {
            firstDelta = false;
            deps.metrics.timeToFirstToken.observe({ provider: model.provider, model: model.id }, (performance.now() - started) / 1000);
          }
          input.sink.onDelta(text);
        },
        ...(input.sink.onRawData ? { onRawData: (data: string) => input.sink.onRawData!(data) } : {}),
      };
      const recorder = settle ? recordingSink(measured) : undefined;
      const result = await deps.generator.generate({ ...input.request, model: model.id }, recorder?.sink ?? measured, input.signal);
      settle?.(recorder ? { result, deltas: recorder.deltas } : undefined);
      return finish(deps, input, result, false);
    } finally {
      release();
    }
  } finally {
    // Shed, aborted or thrown: waiting followers produce their own answer.
    settle?.(undefined);
  }
}

function finish(deps: ExecutionDeps, input: ExecutionInput, result: GenerationResult, cached: boolean): ExecutionOutput {
  const labels = { provider: result.provider, model: result.model };
  deps.metrics.requests.inc({ ...labels, status: result.status, source: input.source });
  if (!cached) {
    deps.metrics.tokens.inc({ ...labels, direction: 'in' }, result.usage.promptTokens);
    deps.metrics.tokens.inc({ ...labels, direction: 'out' }, result.usage.completionTokens);
    deps.metrics.costUsd.inc(labels, result.costUsd);
  }
  return { result, cached };
}
