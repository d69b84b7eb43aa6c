import type { StreamEntry } from '@versaai/storage';

/** What a response stream says so far: the text a client would show, and how it ended if it did. */
export interface StreamOutcome {
  text: string;
  /** Epoch ms of the newest entry; undefined for an empty (or expired) stream. */
  lastAt: number | undefined;
  end: { status: 'completed' | 'failed' | 'cancelled'; finishReason?: string; errorCode?: string } | undefined;
}

/** Replays the entries as a client does: deltas append, a reset starts the text over, an end closes it. */
export function replayStream(entries: readonly StreamEntry[]): StreamOutcome {
  let text = '';
  let end: StreamOutcome['end'];
  for (const { event } of entries) {
    if (event.type === 'delta') text += event.text;
    else if (event.type === 'reset') text = '';
    else if (event.type === 'end') end = { status: event.status, finishReason: event.finishReason, errorCode: event.errorCode };
  }
  return { text, lastAt: entries.at(-1)?.at, end };
}
