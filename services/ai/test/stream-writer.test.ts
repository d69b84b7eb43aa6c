import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryResponseStreamStore } from '@versaai/storage';
import { StreamWriter } from '../src/worker/stream-writer.ts';

const ref = { responseId: 'r1', conversationId: 'c1', userId: 'u1' };

describe('stream writer', () => {
  const store = createMemoryResponseStreamStore({ retentionMs: 60_000 });
  afterEach(async () => {
    await store.close();
  });

  it('appends the first delta at once and coalesces the next ones of the interval, in order with status and end', async () => {
    const writer = new StreamWriter(store, ref, { flushIntervalMs: 50, flushBytes: 4_096, onError: (error) => { throw error; } });
    writer.write({ type: 'status', status: 'streaming', model: 'm', provider: 'p' });
    for (const token of ['a', 'b', 'c', 'd']) writer.delta(token);
    writer.write({ type: 'end', status: 'completed', finishReason: 'stop' });
    await writer.flush();
    expect((await store.read('r1')).map((entry) => entry.event)).toEqual([
      { type: 'status', status: 'streaming', model: 'm', provider: 'p' },
      // The first delta is not held: time to first delta is not traded for fewer appends.
      { type: 'delta', text: 'a' },
      { type: 'delta', text: 'bcd' },
      { type: 'end', status: 'completed', finishReason: 'stop' },
    ]);
  });

  it('flushes when the held text reaches the size limit, and after the interval otherwise', async () => {
    const writer = new StreamWriter(store, { ...ref, responseId: 'r2' }, { flushIntervalMs: 5, flushBytes: 4, onError: (error) => { throw error; } });
    writer.delta('0');
    writer.delta('12');
    writer.delta('345');
    writer.delta('6');
    await new Promise((resolve) => setTimeout(resolve, 30));
    await writer.flush();
    expect((await store.read('r2')).map((entry) => entry.event)).toEqual([{ type: 'delta', text: '0' }, { type: 'delta', text: '12345' }, { type: 'delta', text: '6' }]);
  });
});
