import type { GenerationResult, GenerationSink } from '../generation/types.ts';
import type { CachedAnswer } from './response-cache.ts';

/** Plays a cached answer into a sink as the stream it was, and returns its result marked as cached usage-free. */
export function replayCached(answer: CachedAnswer, sink: GenerationSink): GenerationResult {
  sink.onStart({ model: answer.result.model, provider: answer.result.provider });
  for (const delta of answer.deltas) sink.onDelta(delta);
  // Nothing was spent upstream for this answer.
  return { ...answer.result, costUsd: 0 };
}

/** Wraps a sink to remember the deltas it forwards, for storing the answer afterwards. */
export function recordingSink(sink: GenerationSink): { sink: GenerationSink; deltas: string[] } {
  const deltas: string[] = [];
  return {
    deltas,
    sink: {
      onStart: (info) => sink.onStart(info),
      onDelta: (text) => {
        deltas.push(text);
        sink.onDelta(text);
      },
      ...(sink.onRawData ? { onRawData: (data: string) => sink.onRawData!(data) } : {}),
    },
  };
}
