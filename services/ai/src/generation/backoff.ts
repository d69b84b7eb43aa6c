import type { RetrySettings } from '../config.ts';

/**
 * Delay before retry number `attempt + 1`: "full jitter" (a uniform draw in [0, min(max,
 * base·2^attempt)]), never shorter than the upstream's retry-after. Undefined when the
 * upstream asks to wait longer than we are willing to: better to try the fallback.
 */
export function retryDelayMs(attempt: number, settings: RetrySettings, retryAfterMs: number | undefined, random: () => number): number | undefined {
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** attempt);
  const jitter = Math.floor(random() * ceiling);
  if (retryAfterMs === undefined) return jitter;
  if (retryAfterMs > settings.retryAfterMaxMs) return undefined;
  return Math.max(retryAfterMs, jitter);
}

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
