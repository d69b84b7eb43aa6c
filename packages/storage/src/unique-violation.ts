const SQLITE_UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const POSTGRES_UNIQUE_VIOLATION = '23505';

/** True when a query failed on a unique or primary-key constraint, on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  let current: unknown = error;
  // Wrappers (ours or a caller's) keep the driver error as `cause`.
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (code === POSTGRES_UNIQUE_VIOLATION || (typeof code === 'string' && SQLITE_UNIQUE_CODES.has(code))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
