import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRedisPrefix, requireService, waitFor } from '@versaai/testing';
import {
  createMemoryResponseStreamStore, createRedisResponseStreamStore,
  type ResponseRef, type ResponseStreamStore, type StreamEntry,
} from '../src/index.ts';

const hasRedis = await requireService('redis', 'Redis response streams');

interface Harness { writer: ResponseStreamStore; reader: ResponseStreamStore; close(): Promise<void> }

function describeContract(name: string, open: (retentionMs: number) => Harness, enabled = true): void {
  describe.skipIf(!enabled)(`ResponseStreamStore contract: ${name}`, () => {
    let harness: Harness;
    let shortLived: Harness;
    const ref = (): ResponseRef => ({ responseId: `r_${randomBytes(6).toString('hex')}`, conversationId: 'c1', userId: `u_${randomBytes(4).toString('hex')}` });
    beforeAll(() => { harness = open(60_000); shortLived = open(80); });
    afterAll(async () => { await harness?.close(); await shortLived?.close(); });

    it('numbers appended entries from 1 in order and reads them back from any offset', async () => {
      const r = ref();
      const first = await harness.writer.append(r, [{ type: 'status', status: 'streaming', model: 'm', provider: 'p' }, { type: 'delta', text: 'Ho' }]);
      const second = await harness.writer.append(r, [{ type: 'delta', text: 'la' }, { type: 'end', status: 'completed', finishReason: 'stop' }]);
      expect([...first, ...second].map((entry) => entry.seq)).toEqual([1, 2, 3, 4]);
      const all = await harness.reader.read(r.responseId);
      expect(all.map((entry) => entry.event)).toEqual([
        { type: 'status', status: 'streaming', model: 'm', provider: 'p' }, { type: 'delta', text: 'Ho' },
        { type: 'delta', text: 'la' }, { type: 'end', status: 'completed', finishReason: 'stop' },
      ]);
      expect((await harness.reader.read(r.responseId, 2)).map((entry) => entry.seq)).toEqual([3, 4]);
      expect(await harness.reader.read(r.responseId, 4)).toEqual([]);
      expect(await harness.reader.owner(r.responseId)).toEqual(r);
    });

    it('knows nothing of a response never written', async () => {
      expect(await harness.reader.read('r_unknown')).toEqual([]);
      expect(await harness.reader.owner('r_unknown')).toBeUndefined();
    });

    it('delivers appends to subscribers of the user only, with the numbers readers see', async () => {
      const mine = ref();
      const other = { ...ref(), userId: `u_other_${randomBytes(3).toString('hex')}` };
      const received: StreamEntry[] = [];
      const unsubscribe = await harness.reader.subscribeUser(mine.userId, (got, entries) => {
        expect(got).toEqual(mine);
        received.push(...entries);
      });
      await harness.writer.append(other, [{ type: 'delta', text: 'not yours' }]);
      await harness.writer.append(mine, [{ type: 'delta', text: 'a' }]);
      await harness.writer.append(mine, [{ type: 'delta', text: 'b' }, { type: 'delta', text: 'c' }]);
      await waitFor(() => (received.length === 3 ? true : undefined));
      expect(received.map((entry) => [entry.seq, entry.event])).toEqual([
        [1, { type: 'delta', text: 'a' }], [2, { type: 'delta', text: 'b' }], [3, { type: 'delta', text: 'c' }],
      ]);
      await unsubscribe();
      await harness.writer.append(mine, [{ type: 'delta', text: 'after' }]);
      await sleep(50);
      expect(received).toHaveLength(3);
    });

    it('remembers a cancel request and tells the listeners', async () => {
      const r = ref();
      const heard: string[] = [];
      const unsubscribe = await harness.writer.onCancelRequested((id) => heard.push(id));
      expect(await harness.writer.isCancelRequested(r.responseId)).toBe(false);
      await harness.reader.requestCancel(r.responseId);
      await waitFor(() => (heard.includes(r.responseId) ? true : undefined));
      expect(await harness.writer.isCancelRequested(r.responseId)).toBe(true);
      await unsubscribe();
    });

    it('forgets a response and its cancel request after the retention period', async () => {
      const r = ref();
      await shortLived.writer.append(r, [{ type: 'delta', text: 'x' }]);
      await shortLived.writer.requestCancel(r.responseId);
      await sleep(200);
      expect(await shortLived.reader.read(r.responseId)).toEqual([]);
      expect(await shortLived.reader.owner(r.responseId)).toBeUndefined();
      expect(await shortLived.reader.isCancelRequested(r.responseId)).toBe(false);
    });
  });
}

describeContract('memory', (retentionMs) => {
  const store = createMemoryResponseStreamStore({ retentionMs });
  return { writer: store, reader: store, close: () => store.close() };
});

describeContract('redis (two connections, as two processes)', (retentionMs) => {
  const prefix = createTestRedisPrefix();
  const writer = createRedisResponseStreamStore({ url: prefix.url, prefix: prefix.prefix, retentionMs });
  const reader = createRedisResponseStreamStore({ url: prefix.url, prefix: prefix.prefix, retentionMs });
  return {
    writer, reader,
    async close() {
      await writer.close();
      await reader.close();
      await prefix.cleanup();
    },
  };
}, hasRedis);

describe.skipIf(!hasRedis)('Redis response-stream store: the append script', () => {
  it('is loaded again when Redis has forgotten it (EVALSHA falls back to EVAL)', async () => {
    const prefix = createTestRedisPrefix();
    const store = createRedisResponseStreamStore({ url: prefix.url, prefix: prefix.prefix, retentionMs: 60_000 });
    const admin = new Redis(prefix.url);
    try {
      const ref: ResponseRef = { responseId: `r-${randomBytes(6).toString('hex')}`, conversationId: 'c', userId: 'u' };
      await store.append(ref, [{ type: 'delta', text: 'before ' }]);
      await admin.script('FLUSH');
      expect((await store.append(ref, [{ type: 'delta', text: 'after' }])).map((entry) => entry.seq)).toEqual([2]);
      expect((await store.read(ref.responseId)).map((entry) => entry.event)).toEqual([{ type: 'delta', text: 'before ' }, { type: 'delta', text: 'after' }]);
    } finally {
      admin.disconnect();
      await store.close();
      await prefix.cleanup();
    }
  });
});
