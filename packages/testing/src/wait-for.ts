export interface WaitForOptions { timeoutMs?: number; intervalMs?: number }

/**
 * Polls `fn` until it returns something other than undefined. Errors thrown by `fn` count as
 * "not yet"; the last one is reported if the timeout passes.
 */
export async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, opts: WaitForOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `: last error: ${lastError.message}` : '';
      throw new Error(`waitFor: condition not met within ${timeoutMs} ms${reason}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
