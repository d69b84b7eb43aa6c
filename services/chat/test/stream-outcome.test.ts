import { describe, expect, it } from 'vitest';
import type { ResponseStreamEvent, StreamEntry } from '@versaai/storage';
import { replayStream } from '../src/reaper/stream-outcome.ts';

const entries = (events: ResponseStreamEvent[]): StreamEntry[] => events.map((event, i) => ({ seq: i + 1, at: 1_000 + i, event }));

describe('chat: replaying a response stream', () => {
  const all = entries([
    { type: 'status', status: 'streaming', model: 'm', provider: 'p' }, { type: 'delta', text: 'lost ' }, { type: 'reset', reason: 'retry' },
    { type: 'delta', text: 'Hello' }, { type: 'delta', text: ', world' }, { type: 'end', status: 'completed', finishReason: 'stop' },
  ]);

  it('keeps the text after the last reset, the newest entry and the end', () => {
    expect(replayStream(all)).toEqual({ text: 'Hello, world', lastAt: 1_005, seq: 6, end: { status: 'completed', finishReason: 'stop', errorCode: undefined } });
    expect(replayStream([])).toEqual({ text: '', lastAt: undefined, seq: 0, end: undefined });
  });

  it('gives the same result read in parts as read at once', () => {
    for (let cut = 0; cut <= all.length; cut++) {
      expect(replayStream(all.slice(cut), replayStream(all.slice(0, cut)))).toEqual(replayStream(all));
    }
  });
});
