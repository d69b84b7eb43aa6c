import type { StreamEntry } from '@versaai/storage';
import { estimatePromptTokens, estimateTextTokens, tokenizerFamily } from '../context/token-estimator.ts';
import { costUsd } from '../generation/cost.ts';
import type { GenerationResult, Generator, ResolvedModel } from '../generation/types.ts';
import type { ResponseJob } from '../jobs/responses-store.ts';

/**
 * An earlier attempt streamed the whole answer, `end` included, and died before committing its
 * final transaction. Its stream is the answer: rebuild the result from it instead of asking
 * the model again (which would append a `reset` after an `end` and bill a second answer).
 * Token counts are not in the stream; they are estimated like the context window's.
 */
export function recoverFinished(entries: readonly StreamEntry[], job: ResponseJob, generator: Generator, plan: string): GenerationResult | undefined {
  const last = entries.at(-1)?.event;
  if (last?.type !== 'end') return undefined;
  let content = '';
  let started: { model?: string; provider?: string } = {};
  for (const { event } of entries) {
    if (event.type === 'reset') {
      content = '';
      started = {};
    } else if (event.type === 'delta') {
      content += event.text;
    } else if (event.type === 'status' && event.status === 'streaming') {
      started = { model: event.model, provider: event.provider };
    }
  }
  let model: ResolvedModel | undefined;
  try {
    model = started.model ? generator.resolve(started.model, plan) : undefined;
  } catch {
    model = undefined;
  }
  const family = tokenizerFamily(model?.upstreamModel ?? started.model ?? '');
  const usage = content || model
    ? { promptTokens: estimatePromptTokens(job.request.messages, family), completionTokens: content ? estimateTextTokens(content, family) : 0 }
    : { promptTokens: 0, completionTokens: 0 };
  return {
    status: last.status,
    content,
    model: started.model ?? job.request.model ?? 'default',
    provider: started.provider ?? 'none',
    usage,
    costUsd: model ? costUsd(model, usage) : 0,
    finishReason: last.finishReason ?? (last.status === 'completed' ? 'stop' : last.status === 'cancelled' ? 'cancelled' : 'error'),
    ...(last.errorCode ? { errorCode: last.errorCode } : {}),
    usageSource: 'estimated',
  };
}
