/**
 * The contract between the generation core (providers, registry, context, resilience) and the
 * pipeline (queue, worker, cache, usage, /v1). The pipeline only depends on this file.
 */
import type { ModelDefinition } from '@versaai/contracts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface GenerationRequest {
  /** Registry id; absent → the registry's default model. */
  model?: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  userId: string;
  plan: string;
}

export interface GenerationSink {
  /**
   * Called once, right before the first onDelta, with the model that is answering (a fallback
   * when the requested model failed before its first token). Not called when no text came.
   */
  onStart(info: { model: string; provider: string }): void;
  /** A piece of the answer, in order; never called again for an earlier attempt. */
  onDelta(text: string): void;
  /**
   * Optional: the raw SSE `data:` payload of every upstream chunk, unparsed and not re-serialised,
   * for a pass-through (/v1) that forwards upstream bytes. Not called by the offline provider
   * when no upstream exists (it synthesises OpenAI-shaped chunks instead).
   */
  onRawData?(data: string): void;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export type GenerationStatus = 'completed' | 'failed' | 'cancelled';

export interface GenerationResult {
  status: GenerationStatus;
  /** The text forwarded to the sink (partial on failure/cancel). */
  content: string;
  /** Registry id of the model that produced the content (the fallback when one was used). */
  model: string;
  /** Provider id that produced the content. */
  provider: string;
  usage: TokenUsage;
  costUsd: number;
  /** Upstream finish reason (stop, length, …), or 'error' / 'cancelled'. */
  finishReason: string;
  /** Stable code when status is failed (AI_IDLE_TIMEOUT, AI_UPSTREAM_ERROR, …) or cancelled (AI_CANCELLED). */
  errorCode?: string;
  /** Whether usage came from the provider ('reported') or the token estimator ('estimated'). */
  usageSource?: 'reported' | 'estimated';
}

/** A registry entry as the generator and the pipeline see it (the API's shape, from the contracts package). */
export type ResolvedModel = ModelDefinition;

export interface GenerateOptions {
  /** Default true. False makes one non-streaming upstream call; its content arrives as one onDelta. */
  stream?: boolean;
}

export interface Generator {
  /**
   * Resolves the model (registry, plan allowed?, enabled?) before any call: throws ProblemError
   * 400 AI_MODEL_UNKNOWN / 403 AI_MODEL_NOT_ALLOWED.
   */
  resolve(model: string | undefined, plan: string): ResolvedModel;
  /** Never throws for upstream problems: failures come back as status 'failed' with an errorCode. */
  generate(req: GenerationRequest, sink: GenerationSink, signal: AbortSignal, options?: GenerateOptions): Promise<GenerationResult>;
}
