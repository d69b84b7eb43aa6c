/** The UTC calendar day of an instant, `YYYY-MM-DD`: quotas and usage are counted per UTC day. */
export function utcDay(atMs: number = Date.now()): string {
  return new Date(atMs).toISOString().slice(0, 10);
}

/** Seconds until the next UTC midnight, when a daily quota starts over (at least 1). */
export function secondsUntilNextUtcDay(atMs: number = Date.now()): number {
  const next = new Date(atMs);
  next.setUTCHours(24, 0, 0, 0);
  return Math.max(1, Math.ceil((next.getTime() - atMs) / 1000));
}
