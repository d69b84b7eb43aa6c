import { validationFailed } from './validation/fields.ts';

// Opaque to clients so the keyset can change without breaking them; only the last id for now.
interface CursorState { before: string }

export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

/** The keyset position of a cursor from a previous page; 400 VALIDATION_FAILED when it is not one. */
export function decodeCursor(cursor: string): CursorState {
  try {
    const state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof state === 'object' && state !== null && typeof (state as CursorState).before === 'string') {
      return { before: (state as CursorState).before };
    }
  } catch {
    // Falls through to the problem below.
  }
  throw validationFailed([{ path: 'querystring.cursor', message: 'is not a cursor returned by this endpoint' }]);
}
