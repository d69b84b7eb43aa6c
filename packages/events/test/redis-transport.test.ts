import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestRedisPrefix, requireService } from '@versaai/testing';
import { createRedisTransport } from '../src/redis/redis-transport.ts';
import type { BusTransport } from '../src/transport.ts';
import { describeTransportContract } from './transport-contract.ts';

const redisUp = await requireService('redis', 'redis transport');

describe.skipIf(!redisUp)('Redis Streams transport', () => {
  const { prefix, url, cleanup } = createTestRedisPrefix();
  afterAll(cleanup);

  describeTransportContract('redis', () => createRedisTransport({ url, prefix }));

  describe('Redis specifics', () => {
    let bus: BusTransport;
    let raw: Redis;
    beforeAll(() => {
      raw = new Redis(url);
    });
    afterAll(async () => {
      await raw.quit();
    });
    beforeEach(() => {
      bus = createRedisTransport({ url, prefix });
    });
    afterEach(async () => {
      await bus.close();
    });

    it('keeps every key under its prefix', async () => {
      await bus.ensureGroup('keys', ['k']);
      const [entryId] = await bus.append([{ stream: 'k', payload: 'p' }]);
      await bus.deadLetter('keys', { stream: 'k', id: entryId!, payload: 'p', deliveries: 1 }, 'e');
      expect(await raw.xlen(`${prefix}stream:k`)).toBe(1);
      expect(await raw.xlen(`${prefix}dlq:keys`)).toBe(1);
      expect(await raw.smembers(`${prefix}dlq-groups`)).toContain('keys');
    });

    it('claimIdle skips and acks pending entries deleted from the stream', async () => {
      await bus.ensureGroup('gone', ['d']);
      const [first, second] = await bus.append([{ stream: 'd', payload: 'deleted' }, { stream: 'd', payload: 'kept' }]);
      await bus.read('gone', 'dead', ['d'], { count: 10, blockMs: 0 });
      await raw.xdel(`${prefix}stream:d`, first!);
      const claimed = await bus.claimIdle('gone', 'rescuer', ['d'], 0, 10);
      expect(claimed.map((entry) => [entry.id, entry.payload, entry.deliveries])).toEqual([[second, 'kept', 2]]);
      const pending = (await raw.xpending(`${prefix}stream:d`, 'gone', '-', '+', 10)) as Array<[string]>;
      expect(pending.map(([id]) => id)).toEqual([second]);
    });

    it('computes lag when Redis cannot (deleted entries after the last delivery)', async () => {
      await bus.append([{ stream: 'l', payload: 'e1' }]);
      await bus.ensureGroup('lagging', ['l']);
      const [, middle] = await bus.append([{ stream: 'l', payload: 'e2' }, { stream: 'l', payload: 'e3' }, { stream: 'l', payload: 'e4' }]);
      await bus.read('lagging', 'c', ['l'], { count: 1, blockMs: 0 });
      await raw.xdel(`${prefix}stream:l`, middle!);
      // 1 pending (e1) + 2 undelivered (e2, e4)
      expect(await bus.lag('lagging', ['l'])).toBe(3);
    });

    it('rejects a read on a stream where the group does not exist', async () => {
      await expect(bus.read('missing', 'c', ['nothing-here'], { count: 1, blockMs: 0 })).rejects.toThrow(/NOGROUP/);
    });
  });
});
