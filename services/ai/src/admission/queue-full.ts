import { ProblemError } from '@versaai/kernel';

/** Why a request was shed: this user's queue is full (429) or the whole queue is (503). */
export type ShedScope = 'user' | 'global';

export class QueueFullError extends ProblemError {
  readonly scope: ShedScope;

  constructor(scope: ShedScope, retryAfterSeconds: number) {
    super(scope === 'user'
      ? { status: 429, code: 'AI_QUEUE_FULL', detail: 'You have too many requests waiting; retry after the ones in flight finish.',
        headers: { 'retry-after': String(retryAfterSeconds) }, extensions: { retryAfterSeconds } }
      : { status: 503, code: 'AI_QUEUE_FULL', detail: 'The AI service is at capacity; retry shortly.',
        headers: { 'retry-after': String(retryAfterSeconds) }, extensions: { retryAfterSeconds } });
    this.scope = scope;
  }
}
