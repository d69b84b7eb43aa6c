import { setTimeout as sleep } from 'node:timers/promises';
import { estimatePromptTokens, tokenizerFamily } from '../context/token-estimator.ts';
import { OFFLINE_MODEL_ID, OFFLINE_PROVIDER_ID, offlineReplyText, wordTokens } from './offline-reply.ts';
import { ProviderError, type ProviderAdapter, type ProviderCall, type ProviderHandlers, type ProviderOutcome } from './types.ts';

function usageOf(call: ProviderCall, completionTokens: number) {
  return { promptTokens: estimatePromptTokens(call.messages, tokenizerFamily(call.upstreamModel)), completionTokens };
}

/** The reply's word tokens, cut to max tokens (then finish reason 'length', as upstreams do). */
function replyFor(call: ProviderCall): { tokens: string[]; finishReason: string } {
  const all = wordTokens(offlineReplyText(call.messages));
  const tokens = all.slice(0, Math.max(1, call.maxTokens));
  return { tokens, finishReason: tokens.length < all.length ? 'length' : 'stop' };
}

/** OpenAI-shaped chunk text, so a /v1 pass-through can forward the offline model like any upstream. */
function chunkData(id: string, created: number, delta: string, finishReason: string | null): string {
  return `{"id":"${id}","object":"chat.completion.chunk","created":${created},"model":"${OFFLINE_MODEL_ID}","choices":[{"index":0,"delta":${delta},"finish_reason":${finishReason === null ? 'null' : `"${finishReason}"`}}]}`;
}

/**
 * The built-in model used when no provider is configured: it streams a fixed, honest reply
 * (no provider configured, how to configure one) with a token cadence, so clients see a
 * real stream. Usage is estimated (no tokenizer ran).
 */
export function createOfflineProvider(opts: { tokenDelayMs: number }): ProviderAdapter {
  let counter = 0;
  return {
    id: OFFLINE_PROVIDER_ID,

    async stream(call: ProviderCall, handlers: ProviderHandlers, signal: AbortSignal): Promise<ProviderOutcome> {
      const { tokens, finishReason } = replyFor(call);
      const id = `chatcmpl-offline-${(counter += 1)}`;
      const created = Math.floor(Date.now() / 1000);
      handlers.onRawData?.(chunkData(id, created, '{"role":"assistant","content":""}', null));
      for (const [index, token] of tokens.entries()) {
        if (opts.tokenDelayMs > 0 && index > 0) await sleep(opts.tokenDelayMs, undefined, { signal }).catch(() => undefined);
        if (signal.aborted) throw new ProviderError('aborted', 'offline: aborted');
        handlers.onRawData?.(chunkData(id, created, `{"content":${JSON.stringify(token)}}`, null));
        handlers.onEvent?.();
        handlers.onDelta(token);
      }
      handlers.onRawData?.(chunkData(id, created, '{}', finishReason));
      handlers.onRawData?.('[DONE]');
      return { finishReason, usage: usageOf(call, tokens.length), usageSource: 'estimated' };
    },

    async complete(call: ProviderCall, signal: AbortSignal) {
      if (signal.aborted) throw new ProviderError('aborted', 'offline: aborted');
      const { tokens, finishReason } = replyFor(call);
      return { content: tokens.join(''), finishReason, usage: usageOf(call, tokens.length), usageSource: 'estimated' as const };
    },

    async close() {},
  };
}
