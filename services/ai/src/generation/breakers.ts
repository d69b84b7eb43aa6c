import { CircuitState, circuitBreaker, handleWhen, type CircuitBreakerPolicy, type IBreaker } from 'cockatiel';
import type { BreakerSettings } from '../config.ts';
import { AttemptFailure } from './attempt-failure.ts';

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

const NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

export interface ProviderBreakers {
  get(provider: string): CircuitBreakerPolicy;
  /** Current state per provider that has been called, for metrics. */
  states(): Record<string, CircuitStateName>;
  /** Counts a failure seen after the breaker let the call through (a stream that broke later). */
  recordLateFailure(provider: string, failure: AttemptFailure): void;
  /** A whole answer arrived: the run of consecutive failures is over. */
  recordCompleted(provider: string): void;
  onStateChange(listener: (provider: string, state: CircuitStateName) => void): void;
}

/**
 * Consecutive failures, where the policy's "success" (a first token, while closed) does not end
 * the run: a stream can still break after it. Only a completed answer (or a successful half-open
 * probe) resets the count.
 */
class StreamBreaker implements IBreaker {
  /** Failures in a row (cockatiel reads and restores it as the breaker's state). */
  state = 0;

  constructor(private readonly threshold: number) {}

  success(circuit: CircuitState): void {
    if (circuit !== CircuitState.Closed) this.state = 0;
  }

  failure(): boolean {
    this.state += 1;
    return this.state >= this.threshold;
  }

  completed(): void {
    this.state = 0;
  }
}

/**
 * One cockatiel circuit breaker per provider. It opens after `failures` consecutive 5xx,
 * timeouts or connection failures, lets one probe through after `halfOpenAfterMs`, and closes
 * when the probe gets a first token. 429s, other 4xx and cancellations do not count.
 */
export function createProviderBreakers(settings: BreakerSettings): ProviderBreakers {
  const policies = new Map<string, CircuitBreakerPolicy>();
  const counters = new Map<string, StreamBreaker>();
  const listeners: Array<(provider: string, state: CircuitStateName) => void> = [];
  const counted = handleWhen((error) => error instanceof AttemptFailure && error.breakerFailure);

  const get = (provider: string): CircuitBreakerPolicy => {
    let policy = policies.get(provider);
    if (!policy) {
      const counter = new StreamBreaker(settings.failures);
      policy = circuitBreaker(counted, { halfOpenAfter: settings.halfOpenAfterMs, breaker: counter });
      counters.set(provider, counter);
      policy.onStateChange((state) => {
        for (const listener of listeners) listener(provider, NAMES[state]);
      });
      policies.set(provider, policy);
    }
    return policy;
  };

  return {
    get,
    states() {
      const states: Record<string, CircuitStateName> = {};
      for (const [provider, policy] of policies) states[provider] = NAMES[policy.state];
      return states;
    },
    recordLateFailure(provider, failure) {
      const policy = get(provider);
      // Only a closed circuit counts it: in other states a call here would act as the probe.
      if (!failure.breakerFailure || policy.state !== CircuitState.Closed) return;
      policy.execute(() => Promise.reject(failure)).catch(() => undefined);
    },
    recordCompleted(provider) {
      counters.get(provider)?.completed();
    },
    onStateChange(listener) {
      listeners.push(listener);
    },
  };
}
