import { createParser } from 'eventsource-parser';
import { Pool, type Dispatcher } from 'undici';
import type { TokenUsage } from '../generation/types.ts';
import { readUsage, type WireChunk } from './openai-chunk.ts';
import { ERROR_BODY_LIMIT, httpFailure, streamCall } from './stream-call.ts';
import { ProviderError, type ProviderAdapter, type ProviderCall, type ProviderHandlers, type ProviderOutcome } from './types.ts';

export interface OpenAiCompatibleOptions {
  id: string;
  /** e.g. `https://api.groq.com/openai/v1`; `/chat/completions` is appended. */
  baseUrl: string;
  apiKey?: string;
  headers?: Record<string, string>;
  /** Keep-alive connections of this provider's pool. */
  connections: number;
  /** Ask for `stream_options.include_usage` (default true; off for servers that reject it). */
  includeUsage?: boolean;
}

function requestBody(call: ProviderCall, stream: boolean, includeUsage: boolean): string {
  return JSON.stringify({
    model: call.upstreamModel,
    messages: call.messages,
    stream,
    ...(stream && includeUsage ? { stream_options: { include_usage: true } } : {}),
    ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
    max_tokens: call.maxTokens,
  });
}

async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  for await (const piece of body) {
    if (text.length < ERROR_BODY_LIMIT) text += decoder.decode(piece as Uint8Array, { stream: true });
  }
  return text;
}

/**
 * Any OpenAI-compatible chat-completions API (Groq, OpenAI, Ollama, vLLM, LM Studio) over an
 * undici keep-alive pool. Streams are parsed with eventsource-parser; each chunk is JSON-parsed
 * once to read its delta, and its raw `data:` text can be forwarded untouched.
 */
export function createOpenAiCompatibleProvider(opts: OpenAiCompatibleOptions): ProviderAdapter {
  const endpoint = new URL(`${opts.baseUrl.replace(/\/+$/, '')}/chat/completions`);
  const path = endpoint.pathname + endpoint.search;
  // Our own timers (first token, idle, total) govern; undici's would cut long streams.
  const pool = new Pool(endpoint.origin, { connections: opts.connections, keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
    ...opts.headers,
  };
  const streamHeaders = { ...headers, accept: 'text/event-stream' };
  const includeUsage = opts.includeUsage ?? true;

  const failure = (error: unknown, signal: AbortSignal): ProviderError => {
    if (error instanceof ProviderError) return error;
    if (signal.aborted) return new ProviderError('aborted', `${opts.id}: request aborted`, { cause: error });
    const message = error instanceof Error ? error.message : String(error);
    return new ProviderError('network', `${opts.id}: ${message}`, { cause: error });
  };

  const send = async (call: ProviderCall, signal: AbortSignal): Promise<Dispatcher.ResponseData> => {
    const response = await pool.request({ path, method: 'POST', headers, body: requestBody(call, false, includeUsage), signal });
    if (response.statusCode >= 200 && response.statusCode < 300) return response;
    throw httpFailure(opts.id, response.statusCode, await readCapped(response.body), response.headers);
  };

  return {
    id: opts.id,

    async stream(call: ProviderCall, handlers: ProviderHandlers, signal: AbortSignal): Promise<ProviderOutcome> {
      let finishReason: string | undefined;
      let usage: TokenUsage | undefined;
      let done = false;
      let broken: ProviderError | undefined;
      const parser = createParser({
        onEvent(event) {
          handlers.onRawData?.(event.data);
          if (event.data === '[DONE]') {
            done = true;
            return;
          }
          let chunk: WireChunk;
          try {
            chunk = JSON.parse(event.data) as WireChunk;
          } catch {
            broken ??= new ProviderError('protocol', `${opts.id}: a stream event is not JSON`);
            return;
          }
          if (chunk.error) {
            broken ??= new ProviderError('http', `${opts.id} failed mid-stream: ${String(chunk.error.message ?? 'unknown error')}`, { status: 500 });
            return;
          }
          handlers.onEvent?.();
          const choice = chunk.choices?.[0];
          const content = choice?.delta?.content;
          if (typeof content === 'string' && content !== '') handlers.onDelta(content);
          if (typeof choice?.finish_reason === 'string') finishReason = choice.finish_reason;
          usage = readUsage(chunk) ?? usage;
        },
      });
      try {
        await streamCall(pool, { providerId: opts.id, path, headers: streamHeaders, body: requestBody(call, true, includeUsage) }, (text) => {
          parser.feed(text);
          if (broken) throw broken;
        }, signal);
      } catch (error) {
        throw failure(error, signal);
      }
      if (signal.aborted) throw new ProviderError('aborted', `${opts.id}: request aborted`);
      // A stream that ends without [DONE] and without a finish reason was cut off.
      if (!done && finishReason === undefined) throw new ProviderError('network', `${opts.id}: the stream ended before it was complete`);
      return { finishReason: finishReason ?? 'stop', usage, usageSource: usage ? 'reported' : 'estimated' };
    },

    async complete(call: ProviderCall, signal: AbortSignal) {
      try {
        const response = await send(call, signal);
        const body = await response.body.json() as WireChunk;
        const choice = body.choices?.[0];
        const content = choice?.message?.content;
        if (typeof content !== 'string') throw new ProviderError('protocol', `${opts.id}: the answer has no message content`);
        const usage = readUsage(body);
        return {
          content,
          finishReason: typeof choice?.finish_reason === 'string' ? choice.finish_reason : 'stop',
          usage,
          usageSource: usage ? 'reported' as const : 'estimated' as const,
        };
      } catch (error) {
        if (error instanceof SyntaxError) throw new ProviderError('protocol', `${opts.id}: the answer is not JSON`);
        throw failure(error, signal);
      }
    },

    async close() {
      await pool.close().catch(() => pool.destroy());
    },
  };
}
