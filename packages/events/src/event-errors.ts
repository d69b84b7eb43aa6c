import type { z } from 'zod';

export type EventDecodeErrorCode = 'MALFORMED_EVENT' | 'UNKNOWN_EVENT_TYPE' | 'UNKNOWN_EVENT_VERSION' | 'INVALID_EVENT_DATA';

/** A payload read from a stream that cannot become an event; consumers dead-letter it with `${code}: ${message}`. */
export class EventDecodeError extends Error {
  override readonly name = 'EventDecodeError';
  constructor(
    readonly code: EventDecodeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A producer tried to create an event whose data does not match the catalog: a bug in the producer. */
export class InvalidEventDataError extends Error {
  override readonly name = 'InvalidEventDataError';
  readonly code = 'INVALID_EVENT_DATA';
}

/** `email: Invalid email address; usage.promptTokens: expected number` — paths first, for humans reading dead letters. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
