export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** Time an open breaker refuses traffic before it lets one trial request through. */
  cooldownMs: number;
  now?: () => number;
}

/**
 * Passive health of one replica. closed → (N consecutive failures) → open → (cool-down
 * elapsed) → half-open: exactly one trial request; its success closes the breaker, its
 * failure opens it for another cool-down. The open → half-open step happens lazily when
 * the state is read, so no timer is needed.
 */
export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #openUntil = 0;
  #trialInFlight = false;
  readonly #opts: BreakerOptions;
  readonly #now: () => number;

  constructor(opts: BreakerOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.#state === 'open' && this.#now() >= this.#openUntil) {
      this.#state = 'half-open';
      this.#trialInFlight = false;
    }
    return this.#state;
  }

  /** True when a request may be sent now; in half-open only while no trial is under way. */
  canPass(): boolean {
    const state = this.state;
    return state === 'closed' || (state === 'half-open' && !this.#trialInFlight);
  }

  /** A request was sent: in half-open it is the one trial. */
  onDispatch(): void {
    if (this.state === 'half-open') this.#trialInFlight = true;
  }

  onSuccess(): void {
    this.#state = 'closed';
    this.#failures = 0;
    this.#trialInFlight = false;
  }

  onFailure(): void {
    const state = this.state;
    this.#failures += 1;
    if (state === 'half-open' || (state === 'closed' && this.#failures >= this.#opts.failureThreshold)) this.#open();
  }

  /** The request ended without a verdict on the replica (client went away): free the trial slot. */
  onNeutral(): void {
    this.#trialInFlight = false;
  }

  /** Milliseconds until an open breaker lets a trial through; 0 otherwise. */
  remainingCooldownMs(): number {
    return this.state === 'open' ? Math.max(0, this.#openUntil - this.#now()) : 0;
  }

  #open(): void {
    this.#state = 'open';
    this.#openUntil = this.#now() + this.#opts.cooldownMs;
    this.#trialInFlight = false;
  }
}
