import type { ResponseRef, ResponseStreamEvent, ResponseStreamStore, StreamEntry, Unsubscribe, UserStreamListener } from './response-stream-store.ts';

export interface MemoryResponseStreamStoreOptions {
  /** How long a response's entries (and a cancel request) are kept after its last append. */
  retentionMs: number;
  now?: () => number;
  sweepIntervalMs?: number;
}

interface KeptStream {
  ref: ResponseRef;
  entries: StreamEntry[];
  expiresAt: number;
}

/** The all-in-one store: the AI service and every socket live in this process. */
export function createMemoryResponseStreamStore(opts: MemoryResponseStreamStoreOptions): ResponseStreamStore & { size(): number } {
  const now = opts.now ?? Date.now;
  const streams = new Map<string, KeptStream>();
  const cancels = new Map<string, number>();
  const userListeners = new Map<string, Set<UserStreamListener>>();
  const cancelListeners = new Set<(responseId: string) => void>();

  const sweep = setInterval(() => {
    const nowMs = now();
    for (const [id, stream] of streams) if (stream.expiresAt <= nowMs) streams.delete(id);
    for (const [id, expiresAt] of cancels) if (expiresAt <= nowMs) cancels.delete(id);
  }, opts.sweepIntervalMs ?? 30_000);
  sweep.unref();

  const live = (id: string): KeptStream | undefined => {
    const stream = streams.get(id);
    if (stream && stream.expiresAt <= now()) {
      streams.delete(id);
      return undefined;
    }
    return stream;
  };

  return {
    async append(ref, events: readonly ResponseStreamEvent[]) {
      const at = now();
      let stream = live(ref.responseId);
      if (!stream) {
        stream = { ref: { ...ref }, entries: [], expiresAt: 0 };
        streams.set(ref.responseId, stream);
      }
      stream.expiresAt = at + opts.retentionMs;
      const appended = events.map((event, index) => ({ seq: stream.entries.length + index + 1, at, event }));
      stream.entries.push(...appended);
      const listeners = userListeners.get(ref.userId);
      if (listeners && appended.length > 0) for (const listener of listeners) listener(stream.ref, appended);
      return appended;
    },
    async read(responseId, afterSeq = 0) {
      return live(responseId)?.entries.slice(Math.max(0, afterSeq)) ?? [];
    },
    async owner(responseId) {
      const stream = live(responseId);
      return stream ? { ...stream.ref } : undefined;
    },
    async subscribeUser(userId, listener): Promise<Unsubscribe> {
      let listeners = userListeners.get(userId);
      if (!listeners) userListeners.set(userId, (listeners = new Set()));
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
        if (listeners.size === 0 && userListeners.get(userId) === listeners) userListeners.delete(userId);
      };
    },
    async requestCancel(responseId) {
      cancels.set(responseId, now() + opts.retentionMs);
      for (const listener of cancelListeners) listener(responseId);
    },
    async isCancelRequested(responseId) {
      const expiresAt = cancels.get(responseId);
      return expiresAt !== undefined && expiresAt > now();
    },
    onRestored() {
      return () => {}; // appends reach subscribers in this process directly: none is ever missed
    },
    async onCancelRequested(listener) {
      cancelListeners.add(listener);
      return async () => {
        cancelListeners.delete(listener);
      };
    },
    async close() {
      clearInterval(sweep);
      streams.clear();
      cancels.clear();
      userListeners.clear();
      cancelListeners.clear();
    },
    size: () => streams.size,
  };
}
