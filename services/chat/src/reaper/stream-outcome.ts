import type { StreamEntry } from '@versaai/storage';

/** What a response stream says so far: the text a client would show, and how it ended if it did. */
export interface StreamOutcome {
  text: string;
  /** Epoch ms of the newest entry; undefined for an empty (or expired) stream. */
  lastAt: number | undefined;
  /** Number of the newest entry replayed (0: none), to read only what follows next time. */
  seq: number;
  end: { status: 'completed' | 'failed' | 'cancelled'; finishReason?: string; errorCode?: string } | undefined;
}

export const EMPTY_STREAM: StreamOutcome = { text: '', lastAt: undefined, seq: 0, end: undefined };

/** Replays entries as a client does, on top of what was replayed before: deltas append, a reset starts the text over, an end closes it. */
export function replayStream(entries: readonly StreamEntry[], from: StreamOutcome = EMPTY_STREAM): StreamOutcome {
  let { text, lastAt, seq, end } = from;
  for (const entry of entries) {
    const { event } = entry;
    if (event.type === 'delta') text += event.text;
    else if (event.type === 'reset') text = '';
    else if (event.type === 'end') end = { status: event.status, finishReason: event.finishReason, errorCode: event.errorCode };
    lastAt = entry.at;
    seq = entry.seq;
  }
  return { text, lastAt, seq, end };
}
