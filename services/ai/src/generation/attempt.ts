import { BrokenCircuitError, IsolatedCircuitError, type CircuitBreakerPolicy } from 'cockatiel';
import type { DeadlineSettings } from '../config.ts';
import type { ProviderAdapter, ProviderCall, ProviderOutcome } from '../providers/types.ts';
import { AttemptFailure, classify, type StopReason } from './attempt-failure.ts';
import { AI_ERRORS } from './error-codes.ts';

export interface AttemptInput {
  provider: ProviderAdapter;
  breaker: CircuitBreakerPolicy;
  call: ProviderCall;
  stream: boolean;
  deadlines: Pick<DeadlineSettings, 'firstTokenMs' | 'idleMs'>;
  /** Aborted on cancel or at the total deadline. */
  signal: AbortSignal;
  /** Before the first piece of text is handed on: the answering model is now known. */
  onFirstToken(): void;
  onDelta(text: string): void;
  onRawData?(data: string): void;
}

export type AttemptResult =
  | { ok: true; outcome: ProviderOutcome }
  | { ok: false; failure: AttemptFailure; afterFirstToken: boolean };

const neverSettles = new Promise<never>(() => undefined);

/**
 * One call to one model, with the first-token and idle deadlines. The circuit breaker sees the
 * call until its first token (so a half-open probe is short); a stream that breaks later is
 * reported to the breaker separately by the caller.
 */
export async function runAttempt(input: AttemptInput): Promise<AttemptResult> {
  const controller = new AbortController();
  let stop: StopReason | undefined;
  const abort = (reason: StopReason) => {
    stop ??= reason;
    controller.abort();
  };
  const onOuterAbort = () => abort('outer');
  if (input.signal.aborted) onOuterAbort();
  input.signal.addEventListener('abort', onOuterAbort, { once: true });

  let idleTimer: NodeJS.Timeout | undefined;
  // A non-streamed answer arrives whole, so only the total deadline bounds it.
  const firstTokenTimer = input.stream ? setTimeout(() => abort('first-token'), input.deadlines.firstTokenMs) : undefined;
  let firstSeen = false;
  let markFirst: () => void = () => undefined;
  const firstToken = new Promise<void>((resolve) => {
    markFirst = resolve;
  });

  const onDelta = (text: string) => {
    // Chunks parsed from the same read as the abort must not reach the sink after it.
    if (controller.signal.aborted) return;
    if (!firstSeen) {
      firstSeen = true;
      clearTimeout(firstTokenTimer);
      if (input.stream) idleTimer = setTimeout(() => abort('idle'), input.deadlines.idleMs);
      input.onFirstToken();
      markFirst();
    }
    input.onDelta(text);
  };
  const handlers = {
    onDelta,
    onEvent: () => idleTimer?.refresh(),
    ...(input.onRawData ? { onRawData: input.onRawData } : {}),
  };

  let call: Promise<ProviderOutcome> = neverSettles;
  const startCall = (): Promise<ProviderOutcome> => {
    if (input.stream) return input.provider.stream(input.call, handlers, controller.signal);
    return input.provider.complete(input.call, controller.signal).then((answer) => {
      if (answer.content !== '') onDelta(answer.content);
      return answer;
    });
  };

  try {
    try {
      await input.breaker.execute(async () => {
        call = startCall();
        try {
          await Promise.race([firstToken, call]);
        } catch (error) {
          throw classify(error, stop);
        }
      });
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        return { ok: false, failure: new AttemptFailure(AI_ERRORS.circuitOpen, `${input.provider.id}: circuit open`, false, false), afterFirstToken: false };
      }
      return { ok: false, failure: classify(error, stop), afterFirstToken: firstSeen };
    }
    try {
      return { ok: true, outcome: await call };
    } catch (error) {
      return { ok: false, failure: classify(error, stop), afterFirstToken: firstSeen };
    }
  } finally {
    clearTimeout(firstTokenTimer);
    clearTimeout(idleTimer);
    input.signal.removeEventListener('abort', onOuterAbort);
  }
}
