import { LRUCache } from 'lru-cache';
import type { GenerationResult } from '../generation/types.ts';

/** A completed answer as it was streamed: replayed delta by delta on a hit. */
export interface CachedAnswer {
  result: GenerationResult;
  deltas: readonly string[];
}

export interface ResponseCacheOptions {
  /** 0 disables the cache. */
  maxEntries: number;
  ttlMs: number;
  onLookup?: (hit: boolean) => void;
}

export type CacheOutcome =
  | { kind: 'hit'; answer: CachedAnswer }
  /** This caller produces the answer: it must call `settle` with what it got (stored only when completed). */
  | { kind: 'leader'; settle: (answer: CachedAnswer | undefined) => void }
  /** Another caller is producing the same answer: wait for it (undefined → it failed; produce your own). */
  | { kind: 'follower'; answer: Promise<CachedAnswer | undefined> };

/**
 * The exact response cache of one process: a bounded LRU with TTL, plus single-flight — while
 * one caller produces an answer, identical requests wait for it instead of calling upstream.
 * Only completed answers are stored; aborted and failed ones are never cached.
 */
export class ResponseCache {
  private readonly entries: LRUCache<string, CachedAnswer> | undefined;
  private readonly inFlight = new Map<string, Promise<CachedAnswer | undefined>>();

  constructor(private readonly options: ResponseCacheOptions) {
    this.entries = options.maxEntries > 0 ? new LRUCache({ max: options.maxEntries, ttl: options.ttlMs }) : undefined;
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }

  lookup(key: string): CacheOutcome {
    const hit = this.entries?.get(key);
    if (hit) {
      this.options.onLookup?.(true);
      return { kind: 'hit', answer: hit };
    }
    this.options.onLookup?.(false);
    const pending = this.inFlight.get(key);
    if (pending) return { kind: 'follower', answer: pending };
    let resolve!: (answer: CachedAnswer | undefined) => void;
    this.inFlight.set(key, new Promise((done) => { resolve = done; }));
    let settled = false;
    return {
      kind: 'leader',
      settle: (answer) => {
        if (settled) return;
        settled = true;
        this.inFlight.delete(key);
        const storable = answer && answer.result.status === 'completed' ? answer : undefined;
        if (storable) this.entries?.set(key, storable);
        resolve(storable);
      },
    };
  }
}
