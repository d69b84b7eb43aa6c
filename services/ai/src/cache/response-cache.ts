import { LRUCache } from 'lru-cache';
import type { GenerationResult } from '../generation/types.ts';
import type { SharedAnswerStore } from './shared-answer-store.ts';

/** A completed answer as it was streamed: replayed delta by delta on a hit. */
export interface CachedAnswer {
  result: GenerationResult;
  deltas: readonly string[];
}

export interface ResponseCacheOptions {
  /** 0 disables the cache. */
  maxEntries: number;
  ttlMs: number;
  /** Behind the LRU: answers completed by other replicas (Redis). Unset: this process only. */
  shared?: SharedAnswerStore;
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
 *
 * With a shared store, a local miss reads it before this caller becomes the leader (identical
 * requests of this process wait for that read too), and completed answers are written to it.
 * Single-flight stays per process: two replicas may both call upstream for the same first request.
 */
export class ResponseCache {
  private readonly entries: LRUCache<string, CachedAnswer> | undefined;
  private readonly inFlight = new Map<string, Promise<CachedAnswer | undefined>>();
  private readonly shared: SharedAnswerStore | undefined;

  constructor(private readonly options: ResponseCacheOptions) {
    this.entries = options.maxEntries > 0 ? new LRUCache({ max: options.maxEntries, ttl: options.ttlMs }) : undefined;
    // 0 entries disables the cache, the shared store included.
    this.shared = this.entries ? options.shared : undefined;
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }

  /** Synchronous unless the process has a shared store and missed locally (the store is read then). */
  lookup(key: string): CacheOutcome | Promise<CacheOutcome> {
    const hit = this.entries?.get(key);
    if (hit) {
      this.options.onLookup?.(true);
      return { kind: 'hit', answer: hit };
    }
    const pending = this.inFlight.get(key);
    if (pending) {
      this.options.onLookup?.(false);
      return { kind: 'follower', answer: pending };
    }
    const lead = this.lead(key);
    if (!this.shared) {
      this.options.onLookup?.(false);
      return { kind: 'leader', settle: (answer) => lead(answer, true) };
    }
    // The store never rejects by contract; a bug there must still not leave the key in flight forever.
    return this.shared.get(key).catch(() => undefined).then((answer): CacheOutcome => {
      this.options.onLookup?.(answer !== undefined);
      if (!answer) return { kind: 'leader', settle: (produced) => lead(produced, true) };
      // Kept locally and handed to the identical requests that waited; not written back (its TTL runs on).
      lead(answer, false);
      return { kind: 'hit', answer };
    });
  }

  /** Registers key as in flight; the returned function ends it once (the first call counts). */
  private lead(key: string): (answer: CachedAnswer | undefined, share: boolean) => void {
    let resolve!: (answer: CachedAnswer | undefined) => void;
    this.inFlight.set(key, new Promise((done) => { resolve = done; }));
    let settled = false;
    return (answer, share) => {
      if (settled) return;
      settled = true;
      this.inFlight.delete(key);
      const storable = answer && answer.result.status === 'completed' ? answer : undefined;
      if (storable) {
        this.entries?.set(key, storable);
        if (share) this.shared?.put(key, storable, this.options.ttlMs);
      }
      resolve(storable);
    };
  }

  /** Connects the shared store, if any. */
  open(): void {
    this.shared?.open();
  }

  async close(): Promise<void> {
    await this.shared?.close();
  }
}
