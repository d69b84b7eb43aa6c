import { ProviderError } from '../providers/types.ts';
import { AI_ERRORS, type AiErrorCode } from './error-codes.ts';

/** Why one attempt at one model ended early, and what the generator may do about it. */
export class AttemptFailure extends Error {
  constructor(
    readonly code: AiErrorCode,
    message: string,
    /** Worth another attempt at the same model (before the first token only). */
    readonly retryable: boolean,
    /** Counts towards opening the provider's circuit. */
    readonly breakerFailure: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'AttemptFailure';
  }
}

export type StopReason = 'first-token' | 'idle' | 'outer';

/** Maps a provider error (or our own deadline abort) to a failure. */
export function classify(error: unknown, stop: StopReason | undefined): AttemptFailure {
  if (stop === 'first-token') return new AttemptFailure(AI_ERRORS.firstTokenTimeout, 'no first token in time', true, true);
  if (stop === 'idle') return new AttemptFailure(AI_ERRORS.idleTimeout, 'the stream went idle', false, true);
  if (error instanceof AttemptFailure) return error;
  if (!(error instanceof ProviderError)) {
    return new AttemptFailure(AI_ERRORS.upstreamError, error instanceof Error ? error.message : String(error), false, false);
  }
  switch (error.kind) {
    case 'http': {
      const status = error.status ?? 0;
      if (status === 429) return new AttemptFailure(AI_ERRORS.rateLimited, error.message, true, false, error.retryAfterMs);
      if (status >= 500 || status === 408) return new AttemptFailure(AI_ERRORS.providerUnavailable, error.message, true, true, error.retryAfterMs);
      return new AttemptFailure(AI_ERRORS.upstreamError, error.message, false, false);
    }
    case 'network':
      return new AttemptFailure(AI_ERRORS.providerUnavailable, error.message, true, true);
    case 'aborted':
      return new AttemptFailure(AI_ERRORS.cancelled, error.message, false, false);
    default:
      return new AttemptFailure(AI_ERRORS.upstreamError, error.message, false, false);
  }
}
