import { ProblemError } from '@versaai/kernel';

/**
 * Search pages by offset (a ranking has no keyset that stays put between requests), capped so
 * that paging deep into a common word cannot make the database rank it over and over.
 */
export const MAX_SEARCH_OFFSET = 1_000;

// Opaque to clients, so the paging scheme can change without breaking them.
interface CursorState { offset: number }

export function encodeSearchCursor(offset: number): string | null {
  return offset > MAX_SEARCH_OFFSET ? null : Buffer.from(JSON.stringify({ offset } satisfies CursorState)).toString('base64url');
}

/** The offset a cursor from a previous page stands for; 400 VALIDATION_FAILED when it is not one. */
export function decodeSearchCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorState> | null;
    const offset = state?.offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 && offset <= MAX_SEARCH_OFFSET) return offset;
  } catch {
    // Falls through to the problem below.
  }
  throw new ProblemError({
    status: 400, code: 'VALIDATION_FAILED', detail: 'The request is invalid.',
    extensions: { errors: [{ path: 'querystring.cursor', message: 'is not a cursor returned by this endpoint' }] },
  });
}
