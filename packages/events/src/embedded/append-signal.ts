import { EventEmitter } from 'node:events';

/**
 * In-process wake-up for blocked readers: append() announces the streams it wrote to, and a
 * waiting read() resumes at once instead of polling. close() releases every waiter.
 */
export function createAppendSignal() {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let closed = false;

  function notify(streams: Iterable<string>): void {
    emitter.emit('append', new Set(streams));
  }

  /** Resolves true when one of `streams` got an entry, false on timeout, close or abort. */
  function waitForAppend(streams: string[], timeoutMs: number, abort?: AbortSignal): Promise<boolean> {
    if (closed || abort?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wanted = new Set(streams);
      const finish = (appended: boolean) => {
        clearTimeout(timer);
        emitter.off('append', onAppend);
        emitter.off('close', onClose);
        abort?.removeEventListener('abort', onClose);
        resolve(appended);
      };
      const onAppend = (written: Set<string>) => {
        for (const stream of written) if (wanted.has(stream)) return finish(true);
      };
      const onClose = () => finish(false);
      const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
      emitter.on('append', onAppend);
      emitter.on('close', onClose);
      abort?.addEventListener('abort', onClose, { once: true });
    });
  }

  function close(): void {
    closed = true;
    emitter.emit('close');
  }

  return { notify, waitForAppend, close };
}
