import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BusTransport } from '@versaai/events';
import { tempDataDir, type TempDataDir } from '@versaai/testing';
import { openTransport } from '../src/open-transport.ts';
import { readProcessStatus } from '../src/process-status.ts';

describe('readProcessStatus', () => {
  let dataDir: TempDataDir;
  let transport: BusTransport;

  beforeEach(async () => {
    dataDir = await tempDataDir();
    transport = await openTransport({ redisUrl: undefined, redisPrefix: 'versaai:', dataDir: dataDir.dir });
  });

  afterEach(async () => {
    await transport.close();
    await dataDir.remove();
  });

  it('names each check with its outcome, per service and for the process', async () => {
    const status = await readProcessStatus({
      services: [{
        name: 'notes',
        readiness: [
          { name: 'notes-database', check: async () => {} },
          { name: 'notes-consumer', check: async () => { throw new Error('consumer stopped'); } },
          { name: 'notes-slow', check: () => new Promise<void>(() => {}) },
        ],
        consumes: false,
      }],
      processChecks: [{ name: 'bus', check: () => transport.ping() }],
      transport,
    });
    expect(status.services).toEqual([{ name: 'notes', checks: [
      { name: 'notes-database', outcome: 'ok' },
      { name: 'notes-consumer', outcome: 'failed' },
      { name: 'notes-slow', outcome: 'timed out' },
    ] }]);
    expect(status.checks).toEqual([{ name: 'bus', outcome: 'ok' }]);
    // Only services with a consumer have a group.
    expect(status.bus).toEqual({ kind: 'embedded', groups: [] });
    expect(Number.isNaN(Date.parse(status.checkedAt))).toBe(false);
  });

  it("reports a group's lag and its dead letters: the count and the newest five, newest first, without payloads", async () => {
    const stream = 'user.registered';
    await transport.ensureGroup('notes', [stream]);
    await transport.append(Array.from({ length: 7 }, (_unused, index) => ({ stream, payload: JSON.stringify({ type: stream, n: index }) })));
    await transport.append([{ stream, payload: 'not json at all' }]);
    const delivered = await transport.read('notes', 'test-consumer', [stream], { count: 100, blockMs: 0 });
    expect(delivered).toHaveLength(8);
    for (const [index, entry] of delivered.entries()) await transport.deadLetter('notes', entry, `failure ${index}`);
    // Two more that nobody has read yet: the lag.
    await transport.append([{ stream, payload: '{}' }, { stream, payload: '{}' }]);

    const status = await readProcessStatus({ services: [{ name: 'notes', readiness: [], consumes: true }], processChecks: [], transport });
    const [group] = status.bus!.groups;
    expect(group!.group).toBe('notes');
    expect(group!.lag).toBe(2);
    expect(group!.deadLetters.count).toBe(8);
    expect(group!.deadLetters.countCapped).toBe(false);
    expect(group!.deadLetters.newest.map((letter) => letter.error)).toEqual(['failure 7', 'failure 6', 'failure 5', 'failure 4', 'failure 3']);
    expect(group!.deadLetters.newest[0]).toMatchObject({ type: null, deliveries: 1 });
    expect(group!.deadLetters.newest[1]).toMatchObject({ type: 'user.registered' });
    expect(group!.deadLetters.newest[0]).not.toHaveProperty('payload');
  });
});
