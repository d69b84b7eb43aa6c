import { randomBytes } from 'node:crypto';
import type { FakeLlmFlavor } from './types.ts';

// The wire format of OpenAI's chat completions (and Groq's OpenAI-compatible variant), kept
// to what the official SDKs and our AI service read. Streams are built from pre-serialised
// string pieces so a token costs one JSON.stringify of its text and one concatenation.

export const SYSTEM_FINGERPRINT = 'fp_fakellm';

export interface Usage { prompt_tokens: number; completion_tokens: number; total_tokens: number }

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function errorBody(message: string, type: string, param: string | null = null, code: string | null = null): OpenAiErrorBody {
  return { error: { message, type, param, code } };
}

/** Default message, type and code per status, worded like the real API. */
export function defaultError(status: number): { message: string; type: string; code: string | null } {
  switch (status) {
    case 400: return { message: 'Invalid request.', type: 'invalid_request_error', code: null };
    case 401: return { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' };
    case 403: return { message: 'You are not allowed to sample from this model.', type: 'invalid_request_error', code: null };
    case 404: return { message: 'The model does not exist or you do not have access to it.', type: 'invalid_request_error', code: 'model_not_found' };
    case 429: return { message: 'Rate limit reached for requests. Please try again later.', type: 'requests', code: 'rate_limit_exceeded' };
    case 503: return { message: 'The engine is currently overloaded, please try again later.', type: 'server_error', code: null };
    default: return status >= 500
      ? { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', code: null }
      : { message: `Request failed with status ${status}.`, type: 'invalid_request_error', code: null };
  }
}

export function completionId(): string {
  return `chatcmpl-${randomBytes(12).toString('base64url')}`;
}

export function groqRequestId(): string {
  return `req_${randomBytes(13).toString('hex')}`;
}

export function fullUsage(usage: Usage, flavor: FakeLlmFlavor, timing: GroqTiming): Record<string, unknown> {
  if (flavor === 'groq') return groqUsage(usage, timing);
  return {
    ...usage,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/** Groq reports its timings (seconds) beside the token counts. */
export interface GroqTiming { promptSeconds: number; completionSeconds: number }

function groqUsage(usage: Usage, timing: GroqTiming): Record<string, unknown> {
  return {
    queue_time: 0,
    prompt_tokens: usage.prompt_tokens,
    prompt_time: timing.promptSeconds,
    completion_tokens: usage.completion_tokens,
    completion_time: timing.completionSeconds,
    total_tokens: usage.total_tokens,
    total_time: timing.promptSeconds + timing.completionSeconds,
  };
}

export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
  flavor: FakeLlmFlavor;
  groqId: string;
}

export function completionBody(meta: CompletionMeta, content: string, finishReason: string, usage: Usage, timing: GroqTiming): Record<string, unknown> {
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{
      index: 0,
      message: meta.flavor === 'groq' ? { role: 'assistant', content } : { role: 'assistant', content, refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: finishReason,
    }],
    usage: fullUsage(usage, meta.flavor, timing),
    system_fingerprint: SYSTEM_FINGERPRINT,
    ...(meta.flavor === 'groq' ? { x_groq: { id: meta.groqId } } : { service_tier: 'default' }),
  };
}

/**
 * The `data:` frames of one streamed completion. OpenAI: a role chunk, content chunks, a
 * finish chunk, then — with `stream_options.include_usage` — a chunk with empty `choices` and
 * the usage (every earlier chunk then carries `"usage":null`). Groq: the same chunks, the first
 * with `x_groq.id` and the finish chunk with `x_groq.usage`. Then `data: [DONE]`.
 */
export class StreamFrames {
  private readonly head: string;
  private readonly contentHead: string;
  private readonly tail: string;

  constructor(private readonly meta: CompletionMeta, private readonly includeUsage: boolean) {
    this.head = `data: {"id":${JSON.stringify(meta.id)},"object":"chat.completion.chunk","created":${meta.created},"model":${JSON.stringify(meta.model)},"system_fingerprint":"${SYSTEM_FINGERPRINT}","choices":[{"index":0,"delta":`;
    this.contentHead = `${this.head}{"content":`;
    const usageNull = includeUsage && meta.flavor === 'openai' ? ',"usage":null' : '';
    this.tail = `,"logprobs":null,"finish_reason":null}]${usageNull}}\n\n`;
  }

  role(): string {
    const groq = this.meta.flavor === 'groq' ? `,"x_groq":{"id":${JSON.stringify(this.meta.groqId)}}` : '';
    const delta = this.meta.flavor === 'groq' ? '{"role":"assistant","content":""}' : '{"role":"assistant","content":"","refusal":null}';
    return `${this.head}${delta}${this.tail.slice(0, -3)}${groq}}\n\n`;
  }

  /** `encodedToken` is the token already passed through JSON.stringify. */
  content(encodedToken: string): string {
    return `${this.contentHead}${encodedToken}}${this.tail}`;
  }

  /** The finish chunk, the usage chunk where the flavour has one, and [DONE]. */
  end(finishReason: string, usage: Usage, timing: GroqTiming): string {
    const finish = `${this.head}{},"logprobs":null,"finish_reason":${JSON.stringify(finishReason)}}]`;
    if (this.meta.flavor === 'groq') {
      const xGroq = { id: this.meta.groqId, usage: fullUsage(usage, 'groq', timing) };
      return `${finish},"x_groq":${JSON.stringify(xGroq)}}\n\ndata: [DONE]\n\n`;
    }
    if (!this.includeUsage) return `${finish}}\n\ndata: [DONE]\n\n`;
    const usageChunk = {
      id: this.meta.id,
      object: 'chat.completion.chunk',
      created: this.meta.created,
      model: this.meta.model,
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices: [],
      usage: fullUsage(usage, 'openai', timing),
    };
    return `${finish},"usage":null}\n\ndata: ${JSON.stringify(usageChunk)}\n\ndata: [DONE]\n\n`;
  }
}
