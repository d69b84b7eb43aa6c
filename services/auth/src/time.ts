/** PostgreSQL hands timestamptz back as a Date, SQLite as the ISO text we stored: one form for both. */
export function toIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return new Date(String(value)).toISOString();
}

export function toIsoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : toIso(value);
}

export function isoAfter(now: Date, ms: number): string {
  return new Date(now.getTime() + ms).toISOString();
}
