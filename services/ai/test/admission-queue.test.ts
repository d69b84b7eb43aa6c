import { describe, expect, it } from 'vitest';
import { AdmissionQueue, type Release } from '../src/admission/admission-queue.ts';
import { QueueFullError } from '../src/admission/queue-full.ts';

function queue(overrides: Partial<ConstructorParameters<typeof AdmissionQueue>[0]> = {}) {
  return new AdmissionQueue({ concurrency: { groq: 1 }, defaultConcurrency: 2, maxQueued: 100, maxQueuedPerUser: 50, retryAfterSeconds: 3, ...overrides });
}

/** Admits requests and records the order in which they were granted. */
function recorder(admission: AdmissionQueue) {
  const order: string[] = [];
  const releases: Release[] = [];
  const request = (label: string, userId: string, priority = 0, signal?: AbortSignal) =>
    admission.admit({ provider: 'groq', userId, priority, signal }).then((release) => {
      order.push(label);
      releases.push(release);
    });
  return { order, releases, request };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('admission queue', () => {
  it('admits up to the provider limit at once and the rest as slots free up', async () => {
    const admission = queue({ concurrency: {}, defaultConcurrency: 2 });
    const { order, releases, request } = recorder(admission);
    void request('a', 'u1'); void request('b', 'u1'); void request('c', 'u1');
    await tick();
    expect(order).toEqual(['a', 'b']);
    expect(admission.inFlight('groq')).toBe(2);
    releases[0]!();
    releases[0]!(); // twice: harmless
    await tick();
    expect(order).toEqual(['a', 'b', 'c']);
    expect(admission.inFlight('groq')).toBe(2);
  });

  it('serves users round-robin: a burst of one user does not starve the next', async () => {
    const admission = queue();
    const { order, releases, request } = recorder(admission);
    void request('first', 'burst');
    await tick();
    for (let index = 0; index < 5; index++) void request(`burst-${index}`, 'burst');
    void request('other-0', 'other');
    void request('other-1', 'other');
    for (let served = 0; served < 7; served++) {
      releases[served]!();
      await tick();
    }
    expect(order).toEqual(['first', 'burst-0', 'other-0', 'burst-1', 'other-1', 'burst-2', 'burst-3', 'burst-4']);
  });

  it('serves a higher plan priority first', async () => {
    const admission = queue();
    const { order, releases, request } = recorder(admission);
    void request('running', 'u0');
    await tick();
    void request('free', 'u1', 0);
    void request('team', 'u2', 2);
    void request('pro', 'u3', 1);
    for (let served = 0; served < 3; served++) {
      releases[served]!();
      await tick();
    }
    expect(order).toEqual(['running', 'team', 'pro', 'free']);
  });

  it('sheds with 429 when the user\'s queue is full and 503 when the whole queue is', async () => {
    const admission = queue({ maxQueued: 3, maxQueuedPerUser: 2 });
    const { request } = recorder(admission);
    void request('running', 'u1');
    void request('w1', 'u1'); void request('w2', 'u1');
    const userFull = await admission.admit({ provider: 'groq', userId: 'u1', priority: 0 }).catch((error: unknown) => error);
    expect(userFull).toBeInstanceOf(QueueFullError);
    expect((userFull as QueueFullError).status).toBe(429);
    expect((userFull as QueueFullError).headers).toEqual({ 'retry-after': '3' });
    void request('w3', 'u2');
    const globalFull = await admission.admit({ provider: 'groq', userId: 'u3', priority: 0 }).catch((error: unknown) => error);
    expect((globalFull as QueueFullError).status).toBe(503);
    expect((globalFull as QueueFullError).code).toBe('AI_QUEUE_FULL');
    expect(admission.queued).toBe(3);
  });

  it('an aborted waiter leaves the queue and does not take a slot', async () => {
    const admission = queue();
    const { order, releases, request } = recorder(admission);
    void request('running', 'u1');
    const controller = new AbortController();
    const aborted = request('aborted', 'u2', 0, controller.signal).catch((error: unknown) => error);
    void request('next', 'u3');
    controller.abort(new Error('client gone'));
    expect(await aborted).toEqual(new Error('client gone'));
    expect(admission.queued).toBe(1);
    releases[0]!();
    await tick();
    expect(order).toEqual(['running', 'next']);
  });

  it('reports the wait of every admitted request', async () => {
    const waits: number[] = [];
    const admission = queue({ onAdmitted: (_provider, waited) => waits.push(waited) });
    const release = await admission.admit({ provider: 'groq', userId: 'u', priority: 0 });
    const second = admission.admit({ provider: 'groq', userId: 'u', priority: 0 });
    release();
    await second;
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBe(0);
    expect(waits[1]).toBeGreaterThanOrEqual(0);
  });
});
