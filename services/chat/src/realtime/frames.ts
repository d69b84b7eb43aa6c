import { z } from 'zod';
import type { ResponseRef, StreamEntry } from '@versaai/storage';

/** WebSocket close codes of this protocol (4000–4999 are for applications). */
export const CLOSE_CODES = {
  /** The access token expired (or was never valid): reconnect with a fresh one. */
  authExpired: 4001,
  /** The client did not read fast enough and its send buffer passed the limit. */
  slowConsumer: 4008,
  /** The client sent something that is not a frame of this protocol. */
  badFrame: 4400,
  /** The service is shutting down: reconnect (another replica answers). */
  goingAway: 1001,
} as const;

export const clientFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('resume'), responseId: z.string().min(1).max(128), afterSeq: z.number().int().min(0) }).strict(),
  z.object({ type: z.literal('ping') }).strict(),
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

/** Parses a client frame; undefined for anything that is not valid JSON of a known shape. */
export function parseClientFrame(text: string): ClientFrame | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = clientFrameSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function entriesFrame(ref: ResponseRef, entries: readonly StreamEntry[]): string {
  return JSON.stringify({
    type: 'entries',
    responseId: ref.responseId,
    conversationId: ref.conversationId,
    entries: entries.map((entry) => ({ seq: entry.seq, event: entry.event })),
  });
}

export function errorFrame(code: string, detail: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: 'error', code, detail, ...extra });
}
