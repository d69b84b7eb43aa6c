import type { ResponseRef, ResponseStreamEvent, ResponseStreamStore } from '@versaai/storage';

export interface StreamWriterOptions {
  /** Deltas are held at most this long before being appended as one entry. */
  flushIntervalMs: number;
  /** ...or until this many characters are held. */
  flushBytes: number;
  onError: (error: unknown) => void;
}

/**
 * Writes one response's stream: status and end entries in order with the deltas, and deltas
 * throttled — a delta after a quiet interval (the first of an answer) is appended at once, and
 * tokens arriving within `flushIntervalMs` of the last append become one entry, so a fast
 * provider costs one append per interval, not one per token, without delaying the first. Appends are chained: entries
 * reach the store in the order they were written, one append in flight at a time.
 */
export class StreamWriter {
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private queued: ResponseStreamEvent[] = [];
  private lastDeltaAt = -Infinity;

  constructor(private readonly store: ResponseStreamStore, private readonly ref: ResponseRef, private readonly options: StreamWriterOptions) {}

  /** Appends at once (after any held delta). */
  write(event: ResponseStreamEvent): void {
    this.takePending();
    this.enqueue(event);
  }

  delta(text: string): void {
    if (text.length === 0) return;
    this.pending += text;
    // Leading edge: a delta after a quiet interval (the first one above all) goes out at once;
    // the ones that follow within the interval are held and appended together.
    const sinceLast = performance.now() - this.lastDeltaAt;
    if (this.pending.length >= this.options.flushBytes || (!this.timer && sinceLast >= this.options.flushIntervalMs)) {
      this.takePending();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.takePending();
    }, Math.max(0, this.options.flushIntervalMs - sinceLast));
  }

  /** Resolves when everything written so far is in the store. */
  async flush(): Promise<void> {
    this.takePending();
    await this.chain;
  }

  private takePending(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length === 0) return;
    const text = this.pending;
    this.pending = '';
    this.lastDeltaAt = performance.now();
    this.enqueue({ type: 'delta', text });
  }

  private enqueue(event: ResponseStreamEvent): void {
    this.queued.push(event);
    // Events written while an append is in flight go together in the next one.
    if (this.queued.length > 1) return;
    this.chain = this.chain.then(async () => {
      const batch = this.queued;
      this.queued = [];
      try {
        await this.store.append(this.ref, batch);
      } catch (error) {
        this.options.onError(error);
      }
    });
  }
}
