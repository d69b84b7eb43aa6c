import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeLlmOutcome, FakeLlmRequest } from './types.ts';

/** One response in flight: its record, its pending timer, and whether the fake dropped it. */
export interface Tracked {
  request: FakeLlmRequest;
  setTimer(timer: NodeJS.Timeout | undefined): void;
  markDropped(): void;
}

/**
 * Every request and how its response ended. The outcome is read when the response closes:
 * finished → completed; otherwise dropped by the fake, ended by close(), or else the client
 * went away first — the abort a test wants to see.
 */
export class RequestLog {
  readonly requests: FakeLlmRequest[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private seq = 0;
  private open = 0;
  private closing = false;

  /** `keep: false` (benchmarks) tracks responses without keeping their records. */
  constructor(private readonly keep: boolean) {}

  get total(): number {
    return this.seq;
  }

  get openResponses(): number {
    return this.open;
  }

  track(req: IncomingMessage, res: ServerResponse, path: string): Tracked {
    let settle!: (outcome: FakeLlmOutcome) => void;
    const request: FakeLlmRequest = {
      seq: (this.seq += 1),
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body: undefined,
      receivedAt: new Date(),
      model: undefined,
      stream: false,
      status: undefined,
      tokensSent: 0,
      outcome: 'pending',
      aborted: false,
      finishedAt: undefined,
      settled: new Promise<FakeLlmOutcome>((resolve) => (settle = resolve)),
    };
    this.open += 1;
    if (this.keep) {
      this.requests.push(request);
      for (const wake of this.waiters) wake();
    }
    let timer: NodeJS.Timeout | undefined;
    let dropped = false;
    res.on('close', () => {
      this.open -= 1;
      if (timer) this.timers.delete(timer);
      clearTimeout(timer);
      request.status = res.headersSent ? res.statusCode : undefined;
      request.finishedAt = new Date();
      if (res.writableFinished) request.outcome = 'completed';
      else if (dropped) request.outcome = 'dropped';
      else if (this.closing) request.outcome = 'closed';
      else {
        request.outcome = 'aborted';
        request.aborted = true;
      }
      settle(request.outcome);
    });
    return {
      request,
      setTimer: (next) => {
        if (timer) this.timers.delete(timer);
        timer = next;
        if (next) this.timers.add(next);
      },
      markDropped: () => (dropped = true),
    };
  }

  waitFor(n: number, timeoutMs: number): Promise<FakeLlmRequest[]> {
    if (!this.keep) return Promise.reject(new Error('fake LLM: requests are not recorded (recordRequests: false)'));
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.requests.length < n) return;
        cleanup();
        resolve(this.requests.slice(0, n));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake LLM: ${this.requests.length} of ${n} requests arrived within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  clear(): void {
    this.requests.length = 0;
  }

  /** From now on open responses end as 'closed'; pending token timers stop. */
  closeAll(): void {
    this.closing = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
