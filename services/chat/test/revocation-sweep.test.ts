import { describe, expect, it } from 'vitest';
import { createLogger } from '@versaai/kernel';
import { createMemoryRevocationList, createRedisRevocationList, type RevocationList } from '@versaai/storage';
import { waitFor } from '@versaai/testing';
import { revocationSweep, type Revocable } from '../src/realtime/revocation-sweep.ts';

function member(sessionId: string): Revocable & { revocations: number } {
  return { sessionId, revocations: 0, beat() {}, revoked() { this.revocations += 1; } };
}

function recordingLogger() {
  const lines: string[] = [];
  const logger = createLogger({ service: 'chat', destination: { write: (line: string) => { lines.push(line); } } });
  return { logger, entries: () => lines.map((line) => JSON.parse(line) as { level: string; msg: string }) };
}

/** A real list whose batch calls are recorded (what was asked, and how many answered). */
function recorded(list: () => RevocationList) {
  const asked: string[][] = [];
  let settled = 0;
  const wrapper: RevocationList = {
    ...list(),
    areRevoked(ids) {
      asked.push([...ids]);
      return list().areRevoked(ids).finally(() => { settled += 1; });
    },
  };
  return { list: wrapper, asked, settled: () => settled };
}

/** Lets the sweep's handlers of a settled check run. */
const afterHandlers = () => new Promise((resolve) => setImmediate(resolve));

describe('revocationSweep', () => {
  it('asks each distinct session of a slice once, in one call, and ends every connection of the revoked ones', async () => {
    const memory = createMemoryRevocationList();
    await memory.revoke(['sess-a', 'ak_1'], 60_000);
    const { list, asked, settled } = recorded(() => memory);
    const [a1, a2, b, key] = [member('sess-a'), member('sess-a'), member('sess-b'), member('ak_1')];
    revocationSweep(list, recordingLogger().logger)(new Set([a1, a2, b, key]));
    await waitFor(() => (settled() === 1 ? true : undefined));
    await afterHandlers();
    expect(asked).toEqual([['sess-a', 'sess-b', 'ak_1']]);
    expect([a1.revocations, a2.revocations, b.revocations, key.revocations]).toEqual([1, 1, 0, 1]);
  });

  it('leaves connections open when the list cannot answer, warns once per outage, and works again after it', async () => {
    // A real Redis client on a port nothing listens on: every check fails, as with Redis down.
    const down = createRedisRevocationList({ url: 'redis://127.0.0.1:1', prefix: 'unreachable:', commandTimeoutMs: 500 });
    const memory = createMemoryRevocationList();
    await memory.revoke(['sess-a'], 60_000);
    let current: RevocationList = down;
    const { list, settled } = recorded(() => current);
    const { logger, entries } = recordingLogger();
    const sweep = revocationSweep(list, logger);
    const slices = [new Set([member('sess-a')]), new Set([member('sess-a'), member('sess-b')]), new Set([member('sess-a')])];
    try {
      for (const slice of slices) sweep(slice);
      await waitFor(() => (settled() === 3 ? true : undefined));
      await afterHandlers();
      expect(slices.flatMap((slice) => [...slice]).map((one) => (one as ReturnType<typeof member>).revocations)).toEqual([0, 0, 0, 0]);
      expect(entries().map((entry) => entry.level)).toEqual(['warn']);

      current = memory;
      sweep(slices[0]!);
      await waitFor(() => (settled() === 4 ? true : undefined));
      await afterHandlers();
      expect((slices[0]!.values().next().value as ReturnType<typeof member>).revocations).toBe(1);
      expect(entries().map((entry) => entry.level)).toEqual(['warn', 'info']);
    } finally {
      await down.close();
    }
  });

  it('does not ask again for a slice whose previous check has not answered', async () => {
    const memory = createMemoryRevocationList();
    const { list, asked, settled } = recorded(() => memory);
    const sweep = revocationSweep(list, recordingLogger().logger);
    const slice = new Set([member('sess-a')]);
    sweep(slice);
    sweep(slice);
    await waitFor(() => (settled() === 1 ? true : undefined));
    await afterHandlers();
    expect(asked).toHaveLength(1);
    sweep(slice);
    expect(asked).toHaveLength(2);
  });
});
