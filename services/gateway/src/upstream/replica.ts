import { CircuitBreaker, type BreakerOptions } from './circuit-breaker.ts';

export type Verdict = 'success' | 'failure' | 'neutral';

/** One call on a replica: `settle` judges it for the breaker, `release` ends it for the in-flight count. Both are idempotent. */
export interface Lease {
  settle(verdict: Verdict): void;
  release(): void;
}

/** One upstream replica: its in-flight count (for balancing), passive and active health. */
export class Replica {
  readonly service: string;
  readonly origin: string;
  /** The Host header calls to it carry (host and port of the origin). */
  readonly host: string;
  readonly breaker: CircuitBreaker;
  inFlight = 0;
  /** Result of the last active health check (GET /ready); true until a check says otherwise. */
  healthy = true;

  constructor(service: string, origin: string, breaker: BreakerOptions) {
    this.service = service;
    this.origin = origin;
    this.host = new URL(origin).host;
    this.breaker = new CircuitBreaker(breaker);
  }

  available(): boolean {
    return this.healthy && this.breaker.canPass();
  }

  acquire(): Lease {
    this.inFlight += 1;
    this.breaker.onDispatch();
    let settled = false;
    let released = false;
    return {
      settle: (verdict) => {
        if (settled) return;
        settled = true;
        if (verdict === 'success') this.breaker.onSuccess();
        else if (verdict === 'failure') this.breaker.onFailure();
        else this.breaker.onNeutral();
      },
      release: () => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
      },
    };
  }
}
