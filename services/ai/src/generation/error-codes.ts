/** Stable codes of failed/cancelled generations (GenerationResult.errorCode). */
export const AI_ERRORS = {
  /** 5xx, 408, refused/reset connections before the first token, after retries and fallbacks. */
  providerUnavailable: 'AI_PROVIDER_UNAVAILABLE',
  /** The provider kept answering 429 (or asked to wait longer than AI_RETRY_AFTER_MAX). */
  rateLimited: 'AI_PROVIDER_RATE_LIMITED',
  /** Other upstream refusals (4xx), unreadable answers, and streams broken after the first token. */
  upstreamError: 'AI_UPSTREAM_ERROR',
  firstTokenTimeout: 'AI_FIRST_TOKEN_TIMEOUT',
  idleTimeout: 'AI_IDLE_TIMEOUT',
  totalTimeout: 'AI_TOTAL_TIMEOUT',
  /** The provider's circuit is open: it failed repeatedly and is not called for a while. */
  circuitOpen: 'AI_CIRCUIT_OPEN',
  /** Even the system prompt and the newest message exceed the model's window. */
  contextTooLong: 'AI_CONTEXT_TOO_LONG',
  modelUnknown: 'AI_MODEL_UNKNOWN',
  modelNotAllowed: 'AI_MODEL_NOT_ALLOWED',
  cancelled: 'AI_CANCELLED',
} as const;

export type AiErrorCode = (typeof AI_ERRORS)[keyof typeof AI_ERRORS];
