import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRedisPrefix, requireService } from '@versaai/testing';
import { createMemoryRevocationList, createRedisRevocationList, type RevocationList } from '../src/index.ts';

const hasRedis = await requireService('redis', 'Redis revocation list');

function describeRevocationContract(name: string, open: () => { list: RevocationList; peer: RevocationList; close(): Promise<void> }, enabled = true): void {
  describe.skipIf(!enabled)(`RevocationList contract: ${name}`, () => {
    let harness: ReturnType<typeof open>;
    const freshId = () => `sid_${randomBytes(6).toString('hex')}`;
    beforeAll(() => { harness = open(); });
    afterAll(async () => { await harness?.close(); });

    it('knows nothing it was not told', async () => {
      expect(await harness.list.isRevoked(freshId())).toBe(false);
    });

    it('reports revoked ids, every one of a batch, to every holder of the list', async () => {
      const ids = [freshId(), freshId(), freshId()];
      await harness.list.revoke(ids, 60_000);
      for (const id of ids) expect(await harness.peer.isRevoked(id)).toBe(true);
      expect(await harness.peer.isRevoked(freshId())).toBe(false);
    });

    it('answers a batch in one call, in the order asked, as isRevoked would', async () => {
      const [first, second] = [freshId(), freshId()];
      await harness.list.revoke([first, second], 60_000);
      const asked = [freshId(), first, freshId(), second, first];
      expect(await harness.peer.areRevoked(asked)).toEqual([false, true, false, true, true]);
      expect(await harness.peer.areRevoked([])).toEqual([]);
    });

    it('forgets an id once its TTL has passed', async () => {
      const id = freshId();
      await harness.list.revoke([id], 50);
      expect(await harness.list.isRevoked(id)).toBe(true);
      await sleep(120);
      expect(await harness.list.isRevoked(id)).toBe(false);
      expect(await harness.list.areRevoked([id])).toEqual([false]);
    });

    it('rejects a TTL that would make an entry immortal or instantly gone', async () => {
      await expect(harness.list.revoke([freshId()], 0)).rejects.toThrow(/TTL/);
      await expect(harness.list.revoke([freshId()], 1.5)).rejects.toThrow(/TTL/);
    });

    it('accepts an empty batch', async () => {
      await harness.list.revoke([], 1_000);
    });
  });
}

describeRevocationContract('memory', () => {
  const list = createMemoryRevocationList({ sweepIntervalMs: 10 });
  return { list, peer: list, close: () => list.close() };
});

describeRevocationContract('memory, checked through isRevokedNow', () => {
  const memory = createMemoryRevocationList({ sweepIntervalMs: 10 });
  const list = { ...memory, isRevoked: async (id: string) => memory.isRevokedNow!(id) };
  return { list, peer: memory, close: () => memory.close() };
});

describeRevocationContract('redis (two clients, one list)', () => {
  const redis = createTestRedisPrefix();
  const list = createRedisRevocationList({ url: redis.url, prefix: redis.prefix });
  const peer = createRedisRevocationList({ url: redis.url, prefix: redis.prefix });
  return { list, peer, close: async () => { await list.close(); await peer.close(); await redis.cleanup(); } };
}, hasRedis);

describe('createRedisRevocationList when Redis cannot be reached', () => {
  it('rejects a batch check (callers decide to fail open) instead of answering "not revoked"', async () => {
    // A port nothing listens on: connections are refused, as with a Redis that is down.
    const list = createRedisRevocationList({ url: 'redis://127.0.0.1:1', prefix: 'unreachable:', commandTimeoutMs: 500 });
    try {
      await expect(list.areRevoked(['a', 'b'])).rejects.toThrow();
    } finally {
      await list.close();
    }
  });
});

describe('createMemoryRevocationList', () => {
  it('sweeps expired entries so memory stays bounded', async () => {
    let now = 0;
    const list = createMemoryRevocationList({ now: () => now, sweepIntervalMs: 10 });
    await list.revoke(['a', 'b'], 100);
    expect(list.size()).toBe(2);
    now = 200;
    expect(await list.isRevoked('a')).toBe(false);
    expect(list.size()).toBe(0);
  });
});
