import type { ChatMessage, TokenUsage } from '../generation/types.ts';

/** One upstream call, already fitted to the model's window. */
export interface ProviderCall {
  /** The model name the provider knows. */
  upstreamModel: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens: number;
}

/** Called as the upstream answers; all optional except onDelta. */
export interface ProviderHandlers {
  /** Non-empty content of one chunk. */
  onDelta(text: string): void;
  /** Any parsed event (content or not): proof the upstream is alive. */
  onEvent?(): void;
  /** The raw `data:` payload of each SSE event (including `[DONE]`), as received. */
  onRawData?(data: string): void;
}

export interface ProviderOutcome {
  finishReason: string;
  /** Present when the provider reported it. */
  usage?: TokenUsage;
  usageSource: 'reported' | 'estimated';
}

export type ProviderErrorKind =
  | 'http' // the upstream answered with a non-2xx status
  | 'network' // connection refused/reset, socket closed mid-stream
  | 'protocol' // the answer could not be understood
  | 'aborted'; // our signal aborted the call (deadline or cancel)

/** A failed upstream call; the generator decides about retry, fallback and the circuit. */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly status?: number;
  /** From the `retry-after` header (seconds or HTTP date), in ms from now. */
  readonly retryAfterMs?: number;

  constructor(kind: ProviderErrorKind, message: string, opts: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

export interface ProviderAdapter {
  readonly id: string;
  /** Streams the answer; resolves at the end of the stream, rejects with ProviderError. */
  stream(call: ProviderCall, handlers: ProviderHandlers, signal: AbortSignal): Promise<ProviderOutcome>;
  /** One non-streaming request: the whole content at once. */
  complete(call: ProviderCall, signal: AbortSignal): Promise<ProviderOutcome & { content: string }>;
  close(): Promise<void>;
}
