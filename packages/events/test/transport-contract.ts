import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replayStreamFor, type BusTransport, type StreamEntry } from '../src/transport.ts';

/**
 * The one behaviour both bus transports must share. Each test gets a fresh transport and its
 * own stream and group names, so tests never see each other's entries.
 */
export function describeTransportContract(name: string, makeTransport: () => BusTransport | Promise<BusTransport>): void {
  describe(`BusTransport contract: ${name}`, () => {
    let bus: BusTransport;
    let id: string;

    beforeEach(async () => {
      bus = await makeTransport();
      id = randomBytes(4).toString('hex');
    });
    afterEach(async () => {
      await bus.close();
    });

    const stream = (label = 's') => `${label}-${id}`;
    const group = (label = 'g') => `${label}-${id}`;
    const payloads = (entries: StreamEntry[]) => entries.map((entry) => entry.payload);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const now = { count: 100, blockMs: 0 };
    const append = (s: string, ...items: string[]) => bus.append(items.map((payload) => ({ stream: s, payload })));

    it('keeps append order within a stream and delivers new entries once, deliveries = 1', async () => {
      const s = stream();
      await bus.ensureGroup(group(), [s]);
      const ids = await append(s, 'e1', 'e2', 'e3');
      await append(stream('other'), 'x');
      const more = await append(s, 'e4', 'e5');
      const read = await bus.read(group(), 'c1', [s], now);
      expect(read.map((entry) => entry.id)).toEqual([...ids, ...more]);
      expect(payloads(read)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
      expect(read.every((entry) => entry.deliveries === 1 && entry.stream === s)).toBe(true);
      expect(await bus.read(group(), 'c1', [s], now)).toEqual([]);
    });

    it('a new group starts at the beginning of retained history; ensureGroup again does not rewind', async () => {
      const s = stream();
      await append(s, 'before');
      await bus.ensureGroup(group(), [s]);
      expect(payloads(await bus.read(group(), 'c1', [s], now))).toEqual(['before']);
      await bus.ensureGroup(group(), [s]);
      expect(await bus.read(group(), 'c1', [s], now)).toEqual([]);
    });

    it('returns entries of several streams from one read', async () => {
      const [a, b] = [stream('a'), stream('b')];
      await bus.ensureGroup(group(), [a, b]);
      await bus.append([{ stream: a, payload: 'a1' }, { stream: b, payload: 'b1' }, { stream: a, payload: 'a2' }]);
      const read = await bus.read(group(), 'c1', [a, b], now);
      expect(read.filter((entry) => entry.stream === a).map((entry) => entry.payload)).toEqual(['a1', 'a2']);
      expect(read.filter((entry) => entry.stream === b).map((entry) => entry.payload)).toEqual(['b1']);
    });

    it('gives every entry to each group', async () => {
      const s = stream();
      await bus.ensureGroup(group('one'), [s]);
      await bus.ensureGroup(group('two'), [s]);
      await append(s, 'e1', 'e2');
      expect(payloads(await bus.read(group('one'), 'c', [s], now))).toEqual(['e1', 'e2']);
      expect(payloads(await bus.read(group('two'), 'c', [s], now))).toEqual(['e1', 'e2']);
    });

    it('never gives the same new entry to two consumers of one group', async () => {
      const s = stream();
      await bus.ensureGroup(group(), [s]);
      await append(s, ...Array.from({ length: 10 }, (_, i) => `e${i}`));
      const first = await bus.read(group(), 'c1', [s], { count: 4, blockMs: 0 });
      const second = await bus.read(group(), 'c2', [s], now);
      expect(first).toHaveLength(4);
      expect(payloads([...first, ...second]).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `e${i}`).sort());

      // Two consumers blocked at the same time: one appended entry goes to exactly one of them.
      const waiting = [
        bus.read(group(), 'c1', [s], { count: 10, blockMs: 1_500 }),
        bus.read(group(), 'c2', [s], { count: 10, blockMs: 1_500 }),
      ];
      await sleep(100);
      await append(s, 'only');
      const [r1, r2] = await Promise.all(waiting);
      expect(payloads([...r1!, ...r2!])).toEqual(['only']);
    });

    it('blocks until an entry is appended and returns that entry', async () => {
      const s = stream();
      await bus.ensureGroup(group(), [s, stream('quiet')]);
      let settled = false;
      const pending = bus.read(group(), 'c1', [stream('quiet'), s], { count: 10, blockMs: 30_000 });
      void pending.then(() => (settled = true));
      await sleep(100);
      expect(settled).toBe(false);
      await append(s, 'late');
      const read = await pending;
      expect(payloads(read)).toEqual(['late']);
      expect(read[0]!.stream).toBe(s);
    });

    it('returns [] when a block times out', async () => {
      const s = stream();
      await bus.ensureGroup(group(), [s]);
      expect(await bus.read(group(), 'c1', [s], { count: 10, blockMs: 50 })).toEqual([]);
    });

    it('ack clears pending entries and lag', async () => {
      const s = stream();
      await bus.ensureGroup(group(), [s]);
      await append(s, 'e1', 'e2');
      const read = await bus.read(group(), 'c1', [s], now);
      expect(await bus.lag(group(), [s])).toBe(2);
      await bus.ack(group(), read);
      expect(await bus.lag(group(), [s])).toBe(0);
      expect(await bus.claimIdle(group(), 'c2', [s], 0, 10)).toEqual([]);
      expect(await bus.retry(group(), 'c1', read)).toEqual([]);
    });

    it('claimIdle moves a dead consumer\'s idle entries to another consumer, but not fresh ones', async () => {
      const s = stream();
      await bus.ensureGroup(group(), [s]);
      await append(s, 'e1', 'e2');
      const taken = await bus.read(group(), 'dead', [s], now);
      expect(await bus.claimIdle(group(), 'rescuer', [s], 60_000, 10)).toEqual([]);

      await sleep(80);
      const claimed = await bus.claimIdle(group(), 'rescuer', [s], 40, 10);
      expect(claimed.map((entry) => entry.id)).toEqual(taken.map((entry) => entry.id));
      expect(claimed.map((entry) => [entry.payload, entry.deliveries])).toEqual([['e1', 2], ['e2', 2]]);
      // The claim reset their idle time: they are fresh again for anyone else.
      expect(await bus.claimIdle(group(), 'other', [s], 60_000, 10)).toEqual([]);
      await bus.ack(group(), claimed);
      expect(await bus.lag(group(), [s])).toBe(0);
    });

    it('claimIdle takes at most `count` entries across streams', async () => {
      const [a, b] = [stream('a'), stream('b')];
      await bus.ensureGroup(group(), [a, b]);
      await bus.append([{ stream: a, payload: 'a1' }, { stream: a, payload: 'a2' }, { stream: b, payload: 'b1' }]);
      await bus.read(group(), 'dead', [a, b], now);
      const firstBatch = await bus.claimIdle(group(), 'rescuer', [a, b], 0, 2);
      expect(firstBatch).toHaveLength(2);
      const rest = await bus.claimIdle(group(), 'rescuer', [a, b], 0, 10);
      expect(payloads(rest).sort()).toEqual(['a1', 'a2', 'b1']);
      expect(rest.find((entry) => entry.payload === 'b1')!.deliveries).toBe(firstBatch.some((e) => e.payload === 'b1') ? 3 : 2);
    });

    it('retry re-delivers an own pending entry with deliveries + 1', async () => {
      const s = stream();
      await bus.ensureGroup(group(), [s]);
      await append(s, 'e1');
      const [entry] = await bus.read(group(), 'c1', [s], now);
      const once = await bus.retry(group(), 'c1', [entry!]);
      expect(once).toEqual([{ ...entry, deliveries: 2 }]);
      const twice = await bus.retry(group(), 'c1', [entry!]);
      expect(twice.map((e) => [e.payload, e.deliveries])).toEqual([['e1', 3]]);
      expect(await bus.lag(group(), [s])).toBe(1);
    });

    it('dead-letters an entry, lists it and replays it to the group\'s replay stream', async () => {
      const s = stream();
      const replay = replayStreamFor(group());
      await bus.ensureGroup(group(), [s, replay]);
      await append(s, 'poison', 'fine');
      const [poison] = await bus.read(group(), 'c1', [s], { count: 1, blockMs: 0 });
      const [retried] = await bus.retry(group(), 'c1', [poison!]);
      await bus.deadLetter(group(), retried!, 'handler exploded');

      expect(await bus.lag(group(), [s])).toBe(1); // 'fine' is still undelivered; 'poison' was acked
      const letters = await bus.listDeadLetters(group());
      expect(letters).toHaveLength(1);
      const letter = letters[0]!;
      expect(letter).toMatchObject({ group: group(), stream: s, entryId: poison!.id, payload: 'poison', error: 'handler exploded', deliveries: 2 });
      expect(new Date(letter.failedAt).toISOString()).toBe(letter.failedAt);
      expect((await bus.listDeadLetters()).map((l) => l.id)).toContain(letter.id);
      expect(await bus.listDeadLetters(group('nobody'))).toEqual([]);

      expect(await bus.replayDeadLetter(letter.id)).toEqual(letter);
      expect(await bus.listDeadLetters(group())).toEqual([]);
      const replayed = await bus.read(group(), 'c1', [replay], now);
      expect(replayed.map((entry) => [entry.stream, entry.payload, entry.deliveries])).toEqual([[replay, 'poison', 1]]);

      expect(await bus.replayDeadLetter(letter.id)).toBeNull();
      expect(await bus.replayDeadLetter('no-such-dead-letter')).toBeNull();
    });

    it('trim removes acked entries only: never one a live group has pending or not yet received', async () => {
      const s = stream();
      await bus.ensureGroup(group('one'), [s]);
      await bus.ensureGroup(group('two'), [s]);
      const [e1, e2, e3, e4] = await append(s, 'e1', 'e2', 'e3', 'e4');
      const ref = (entryId: string | undefined) => ({ stream: s, id: entryId! });
      await bus.read(group('one'), 'a', [s], now);
      await bus.ack(group('one'), [ref(e1), ref(e2)]);
      await bus.read(group('two'), 'b', [s], { count: 3, blockMs: 0 });
      await bus.ack(group('two'), [ref(e1)]);
      await sleep(5);
      const policy = { retentionMs: 0, liveGroupIdleMs: 60_000 };

      expect(await bus.trim([s], policy)).toBe(1); // only e1: group two still has e2 pending
      const stillThere = await bus.retry(group('two'), 'b', [ref(e2), ref(e3)]);
      expect(payloads(stillThere)).toEqual(['e2', 'e3']);

      await bus.ack(group('two'), [ref(e2), ref(e3)]);
      await bus.ack(group('one'), [ref(e3), ref(e4)]);
      expect(await bus.trim([s], { ...policy, retentionMs: 3_600_000 })).toBe(0); // too young
      expect(await bus.trim([s], policy)).toBe(2); // e2, e3; e4 not yet delivered to group two
      expect(payloads(await bus.read(group('two'), 'b', [s], now))).toEqual(['e4']);
    });

    it('trim keeps everything for a group that has no consumer yet', async () => {
      const s = stream();
      await bus.ensureGroup(group('reader'), [s]);
      await append(s, 'e1', 'e2');
      await bus.ack(group('reader'), await bus.read(group('reader'), 'a', [s], now));
      await bus.ensureGroup(group('starting'), [s]);
      await sleep(5);
      expect(await bus.trim([s], { retentionMs: 0, liveGroupIdleMs: 60_000 })).toBe(0);
      expect(payloads(await bus.read(group('starting'), 'b', [s], now))).toEqual(['e1', 'e2']);
    });

    it('trim stops waiting for a group whose consumers have all been idle too long', async () => {
      const s = stream();
      await bus.ensureGroup(group('live'), [s]);
      await bus.ensureGroup(group('gone'), [s]);
      await append(s, 'e1', 'e2');
      await bus.read(group('gone'), 'crashed', [s], { count: 1, blockMs: 0 });
      await bus.ack(group('live'), await bus.read(group('live'), 'a', [s], now));
      await sleep(5);
      expect(await bus.trim([s], { retentionMs: 0, liveGroupIdleMs: 60_000 })).toBe(0);

      await sleep(1_200);
      expect(await bus.read(group('live'), 'a', [s], now)).toEqual([]); // the live consumer is seen again
      expect(await bus.trim([s], { retentionMs: 0, liveGroupIdleMs: 1_000 })).toBe(2);
    });

    it('pruneConsumers forgets idle consumers without pending entries and never loses a pending one', async () => {
      const s = stream();
      const g = group();
      await bus.ensureGroup(g, [s]);
      await append(s, 'done', 'held');
      const [done] = await bus.read(g, 'finished', [s], { count: 1, blockMs: 0 });
      await bus.ack(g, [done!]);
      await bus.read(g, 'crashed', [s], { count: 1, blockMs: 0 });
      expect(await bus.pruneConsumers(g, [s], 60_000)).toBe(0);
      await sleep(120);
      expect(await bus.pruneConsumers(g, [s], 100)).toBe(1);
      // The crashed consumer's entry is still pending and can still be reclaimed.
      const claimed = await bus.claimIdle(g, 'rescuer', [s], 100, 10);
      expect(payloads(claimed)).toEqual(['held']);
      await bus.ack(g, claimed);
      // Both hold nothing now; 'rescuer' was active a moment ago, so only 'crashed' is idle enough.
      expect(await bus.pruneConsumers(g, [s], 100)).toBe(1);
      await sleep(120);
      expect(await bus.pruneConsumers(g, [s], 100)).toBe(1);
      expect(await bus.pruneConsumers(g, [s], 0)).toBe(0);
      expect(await bus.lag(g, [s])).toBe(0);
    });

    it('lag counts undelivered and pending entries over all streams', async () => {
      const [a, b] = [stream('a'), stream('b')];
      await bus.ensureGroup(group(), [a, b]);
      await bus.append([{ stream: a, payload: 'a1' }, { stream: a, payload: 'a2' }, { stream: b, payload: 'b1' }]);
      expect(await bus.lag(group(), [a, b])).toBe(3);
      const read = await bus.read(group(), 'c1', [a, b], { count: 1, blockMs: 0 });
      expect(read).toHaveLength(2);
      expect(await bus.lag(group(), [a, b])).toBe(3);
      expect(await bus.lag(group(), [a])).toBe(2);
      await bus.ack(group(), read);
      expect(await bus.lag(group(), [a, b])).toBe(1);
      await bus.ack(group(), await bus.read(group(), 'c1', [a, b], now));
      expect(await bus.lag(group(), [a, b])).toBe(0);
    });

    it('an aborted signal ends a blocking read with [] and the consumer can read again', { timeout: 10_000 }, async () => {
      const s = stream();
      await bus.ensureGroup(group(), [s]);
      const controller = new AbortController();
      // Far longer than the test's timeout: only the abort can end this wait in time.
      const pending = bus.read(group(), 'c1', [s], { count: 10, blockMs: 60_000, signal: controller.signal });
      await sleep(100);
      controller.abort();
      expect(await pending).toEqual([]);
      await append(s, 'after-abort');
      expect(payloads(await bus.read(group(), 'c1', [s], { count: 10, blockMs: 1_000 }))).toEqual(['after-abort']);
      // Already aborted: no wait at all, but entries that are there are still delivered.
      await append(s, 'while-aborted');
      expect(payloads(await bus.read(group(), 'c1', [s], { count: 10, blockMs: 60_000, signal: controller.signal }))).toEqual(['while-aborted']);
      expect(await bus.read(group(), 'c1', [s], { count: 10, blockMs: 60_000, signal: controller.signal })).toEqual([]);
    });

    it('close() releases a pending read with []', { timeout: 15_000 }, async () => {
      const s = stream();
      await bus.ensureGroup(group(), [s]);
      const pending = bus.read(group(), 'c1', [s], { count: 10, blockMs: 120_000 });
      await sleep(100);
      await bus.close();
      expect(await pending).toEqual([]);
      expect(await bus.read(group(), 'c1', [s], { count: 10, blockMs: 120_000 })).toEqual([]);
    });

    it('answers ping', async () => {
      await expect(bus.ping()).resolves.toBeUndefined();
    });
  });
}
