import { QueueFullError } from './queue-full.ts';

export interface AdmissionOptions {
  /** Calls running at once per provider; providers not listed get `defaultConcurrency`. */
  concurrency: Readonly<Record<string, number>>;
  defaultConcurrency: number;
  /** Waiting requests over all providers; one more is shed with 503. */
  maxQueued: number;
  /** Waiting requests of one user over all providers; one more is shed with 429. */
  maxQueuedPerUser: number;
  retryAfterSeconds: number;
  /** Observes how long each admitted request waited (ms), by provider. */
  onAdmitted?: (provider: string, waitedMs: number) => void;
  onInFlightChange?: (provider: string, inFlight: number) => void;
}

export interface AdmissionRequest {
  provider: string;
  userId: string;
  /** Higher first (the plan's priority). */
  priority: number;
  signal?: AbortSignal;
}

/** Gives the slot back; calling it twice is harmless. */
export type Release = () => void;

interface Waiter {
  userId: string;
  enqueuedAt: number;
  grant: (release: Release) => void;
  detach: () => void;
}

/** Users waiting at one priority, served round-robin: one user's burst waits behind everyone's next turn. */
class FairLane {
  private readonly queues = new Map<string, Waiter[]>();
  /** Users with waiters in turn order; the head is served next. */
  private readonly turns: string[] = [];

  get empty(): boolean {
    return this.turns.length === 0;
  }

  push(waiter: Waiter): void {
    let queue = this.queues.get(waiter.userId);
    if (!queue) {
      this.queues.set(waiter.userId, (queue = []));
      this.turns.push(waiter.userId);
    }
    queue.push(waiter);
  }

  shift(): Waiter | undefined {
    const userId = this.turns.shift();
    if (userId === undefined) return undefined;
    const queue = this.queues.get(userId)!;
    const waiter = queue.shift()!;
    if (queue.length > 0) this.turns.push(userId);
    else this.queues.delete(userId);
    return waiter;
  }

  remove(waiter: Waiter): boolean {
    const queue = this.queues.get(waiter.userId);
    const index = queue?.indexOf(waiter) ?? -1;
    if (!queue || index === -1) return false;
    queue.splice(index, 1);
    if (queue.length === 0) {
      this.queues.delete(waiter.userId);
      this.turns.splice(this.turns.indexOf(waiter.userId), 1);
    }
    return true;
  }
}

class ProviderGate {
  inFlight = 0;
  /** Priority → lane; served from the highest priority with waiters. */
  readonly lanes = new Map<number, FairLane>();
  private priorities: number[] = [];

  constructor(readonly limit: number) {}

  lane(priority: number): FairLane {
    let lane = this.lanes.get(priority);
    if (!lane) {
      this.lanes.set(priority, (lane = new FairLane()));
      this.priorities = [...this.lanes.keys()].sort((a, b) => b - a);
    }
    return lane;
  }

  next(): Waiter | undefined {
    for (const priority of this.priorities) {
      const waiter = this.lanes.get(priority)!.shift();
      if (waiter) return waiter;
    }
    return undefined;
  }
}

/**
 * The in-memory admission queue of one process: per-provider concurrency limits, strict
 * priority between plans, round-robin between users inside a priority, and bounded waiting
 * (per user and in total) so overload sheds at once with Retry-After instead of piling up.
 */
export class AdmissionQueue {
  private readonly gates = new Map<string, ProviderGate>();
  private readonly waitingByUser = new Map<string, number>();
  private waiting = 0;

  constructor(private readonly options: AdmissionOptions) {}

  get queued(): number {
    return this.waiting;
  }

  inFlight(provider: string): number {
    return this.gates.get(provider)?.inFlight ?? 0;
  }

  /** Resolves with a release once a slot of the provider is free; rejects with QueueFullError or the signal's reason. */
  admit(request: AdmissionRequest): Promise<Release> {
    request.signal?.throwIfAborted();
    const gate = this.gate(request.provider);
    if (gate.inFlight < gate.limit && this.nobodyWaiting(gate)) {
      this.options.onAdmitted?.(request.provider, 0);
      return Promise.resolve(this.take(request.provider, gate));
    }
    const userWaiting = this.waitingByUser.get(request.userId) ?? 0;
    if (userWaiting >= this.options.maxQueuedPerUser) return Promise.reject(new QueueFullError('user', this.options.retryAfterSeconds));
    if (this.waiting >= this.options.maxQueued) return Promise.reject(new QueueFullError('global', this.options.retryAfterSeconds));

    return new Promise<Release>((resolve, reject) => {
      const lane = gate.lane(request.priority);
      const onAbort = () => {
        if (lane.remove(waiter)) {
          this.unwait(waiter.userId);
          reject(request.signal!.reason);
        }
      };
      const waiter: Waiter = {
        userId: request.userId,
        enqueuedAt: performance.now(),
        grant: (release) => {
          waiter.detach();
          resolve(release);
        },
        detach: () => request.signal?.removeEventListener('abort', onAbort),
      };
      request.signal?.addEventListener('abort', onAbort, { once: true });
      lane.push(waiter);
      this.waiting += 1;
      this.waitingByUser.set(request.userId, userWaiting + 1);
    });
  }

  private nobodyWaiting(gate: ProviderGate): boolean {
    for (const lane of gate.lanes.values()) if (!lane.empty) return false;
    return true;
  }

  private gate(provider: string): ProviderGate {
    let gate = this.gates.get(provider);
    if (!gate) {
      gate = new ProviderGate(this.options.concurrency[provider] ?? this.options.defaultConcurrency);
      this.gates.set(provider, gate);
    }
    return gate;
  }

  private take(provider: string, gate: ProviderGate): Release {
    gate.inFlight += 1;
    this.options.onInFlightChange?.(provider, gate.inFlight);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      gate.inFlight -= 1;
      this.options.onInFlightChange?.(provider, gate.inFlight);
      this.dispatch(provider, gate);
    };
  }

  private dispatch(provider: string, gate: ProviderGate): void {
    while (gate.inFlight < gate.limit) {
      const waiter = gate.next();
      if (!waiter) return;
      this.unwait(waiter.userId);
      this.options.onAdmitted?.(provider, performance.now() - waiter.enqueuedAt);
      waiter.grant(this.take(provider, gate));
    }
  }

  private unwait(userId: string): void {
    this.waiting -= 1;
    const left = (this.waitingByUser.get(userId) ?? 1) - 1;
    if (left > 0) this.waitingByUser.set(userId, left);
    else this.waitingByUser.delete(userId);
  }
}
