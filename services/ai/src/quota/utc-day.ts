const DAY_MS = 86_400_000;
// The last day formatted and the instants it covers: every request asks for today's day, and
// formatting a Date on each of them showed in /v1 profiles. JavaScript time has no leap
// seconds, so a UTC day is exactly DAY_MS.
let lastDay = '';
let lastDayStart = 0;
let lastDayEnd = 0;

/** The UTC calendar day of an instant, `YYYY-MM-DD`: quotas and usage are counted per UTC day. */
export function utcDay(atMs: number = Date.now()): string {
  if (atMs >= lastDayStart && atMs < lastDayEnd) return lastDay;
  const day = new Date(atMs).toISOString().slice(0, 10);
  lastDayStart = Math.floor(atMs / DAY_MS) * DAY_MS;
  lastDayEnd = lastDayStart + DAY_MS;
  lastDay = day;
  return day;
}

/** Seconds until the next UTC midnight, when a daily quota starts over (at least 1). */
export function secondsUntilNextUtcDay(atMs: number = Date.now()): number {
  const next = new Date(atMs);
  next.setUTCHours(24, 0, 0, 0);
  return Math.max(1, Math.ceil((next.getTime() - atMs) / 1000));
}
