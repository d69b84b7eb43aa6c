import { describe, expect, it } from 'vitest';
import { partitionByKey, runKeyed } from '../src/consumer/keyed-concurrency.ts';

interface Item {
  key: string | null;
  name: string;
}

/** Work that yields to the event loop a few times, so interleavings show up. */
function recorder() {
  const started: string[] = [];
  const finished: string[] = [];
  let running = 0;
  let peak = 0;
  const work = async (item: Item) => {
    started.push(item.name);
    running += 1;
    peak = Math.max(peak, running);
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    running -= 1;
    finished.push(item.name);
  };
  return { started, finished, work, peak: () => peak };
}

describe('runKeyed', () => {
  it('keeps items with the same key in order and never runs them at once', async () => {
    const items: Item[] = [
      { key: 'a', name: 'a1' },
      { key: 'b', name: 'b1' },
      { key: 'a', name: 'a2' },
      { key: 'a', name: 'a3' },
      { key: 'b', name: 'b2' },
    ];
    const { started, finished, work } = recorder();
    await runKeyed(items, (item) => item.key, 4, work);
    expect(finished.filter((name) => name.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(finished.filter((name) => name.startsWith('b'))).toEqual(['b1', 'b2']);
    // a2 starts only after a1 finished.
    expect(finished.indexOf('a1')).toBeLessThan(started.indexOf('a2'));
  });

  it('runs at most `limit` items at once and each null-key item independently', async () => {
    const items: Item[] = Array.from({ length: 10 }, (_, index) => ({ key: null, name: `n${index}` }));
    const { finished, work, peak } = recorder();
    await runKeyed(items, (item) => item.key, 3, work);
    expect(finished).toHaveLength(10);
    expect(peak()).toBe(3);
  });

  it('rejects with the first error after the started work settled', async () => {
    const items: Item[] = [
      { key: null, name: 'ok' },
      { key: null, name: 'boom' },
    ];
    const done: string[] = [];
    const run = runKeyed(items, (item) => item.key, 2, async (item) => {
      await new Promise((resolve) => setImmediate(resolve));
      if (item.name === 'boom') throw new Error('boom');
      done.push(item.name);
    });
    await expect(run).rejects.toThrow('boom');
    expect(done).toEqual(['ok']);
  });
});

describe('partitionByKey', () => {
  const item = (key: string | null, name: string) => ({ event: { key }, name });

  it('keeps each key in one part, in order, and spreads the rest round-robin', () => {
    const items = [item('a', 'a1'), item('b', 'b1'), item(null, 'n1'), item('a', 'a2'), item('c', 'c1'), item('b', 'b2'), item(null, 'n2')];
    const parts = partitionByKey(items, 3).map((part) => part.map((entry) => entry.name));
    expect(parts).toEqual([['a1', 'a2', 'c1'], ['b1', 'b2', 'n2'], ['n1']]);
    for (const key of ['a', 'b']) {
      expect(parts.filter((part) => part.some((name) => name.startsWith(key)))).toHaveLength(1);
    }
  });

  it('never makes more parts than items, nor empty ones, and one part when asked for one', () => {
    expect(partitionByKey([item(null, 'x')], 8)).toHaveLength(1);
    expect(partitionByKey([], 8)).toEqual([]);
    expect(partitionByKey([item('a', '1'), item('b', '2')], 1).map((part) => part.length)).toEqual([2]);
  });
});
