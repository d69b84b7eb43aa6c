import { ProblemError } from '@versaai/kernel';

/** Keyset position after the last conversation of a page, in list order (pinned, last message, id; all descending). */
export interface ListPosition { pinned: boolean; lastMessageAt: string; id: string }

// Opaque to clients so the keyset can change without breaking them.
export function encodeListCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.pinned ? 1 : 0, position.lastMessageAt, position.id])).toString('base64url');
}

export function invalidCursor(detail = 'The cursor was not returned by this endpoint.'): ProblemError {
  return new ProblemError({ status: 400, code: 'CHAT_INVALID_CURSOR', detail });
}

/** The position a cursor from a previous page stands for; 400 CHAT_INVALID_CURSOR when it is not one. */
export function decodeListCursor(cursor: string): ListPosition {
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(state) || state.length !== 3) throw invalidCursor();
  const [pinned, lastMessageAt, id] = state as unknown[];
  // Only what this endpoint writes: an ISO time of a four-digit year and an id (nothing PostgreSQL would refuse).
  if ((pinned !== 0 && pinned !== 1) || typeof lastMessageAt !== 'string' || typeof id !== 'string'
    || !/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(lastMessageAt) || Number.isNaN(Date.parse(lastMessageAt))
    || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw invalidCursor();
  return { pinned: pinned === 1, lastMessageAt: new Date(lastMessageAt).toISOString(), id };
}
