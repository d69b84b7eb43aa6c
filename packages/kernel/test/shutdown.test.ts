import { describe, expect, it } from 'vitest';
import { createLogger, installGracefulShutdown } from '../src/index.ts';
import type { ShutdownStep } from '../src/index.ts';
import { MemoryDestination } from './support/memory-destination.ts';

function setup(steps: ShutdownStep[], deadlineMs = 60_000) {
  const destination = new MemoryDestination();
  const exits: number[] = [];
  const control = installGracefulShutdown({
    logger: createLogger({ service: 'test', destination }),
    deadlineMs,
    steps,
    signals: [],
    exit: (code) => exits.push(code),
  });
  return { control, exits, destination };
}

describe('installGracefulShutdown (in process)', () => {
  it('runs the steps in order, once, then exits 0', async () => {
    const order: string[] = [];
    const step = (name: string): ShutdownStep => ({ name, close: async () => { order.push(name); } });
    const { control, exits } = setup([step('http'), step('consumers'), step('relay'), step('pool')]);
    await Promise.all([control.shutdown('test'), control.shutdown('again')]);
    expect(order).toEqual(['http', 'consumers', 'relay', 'pool']);
    expect(exits).toEqual([0]);
  });

  it('still closes later steps when one fails, and exits 1', async () => {
    const order: string[] = [];
    const { control, exits, destination } = setup([
      { name: 'consumers', close: async () => { throw new Error('stuck ack'); } },
      { name: 'pool', close: async () => { order.push('pool'); } },
    ]);
    await control.shutdown('test');
    expect(order).toEqual(['pool']);
    expect(exits).toEqual([1]);
    expect(destination.entries().find((entry) => entry.msg === 'shutdown step failed')).toMatchObject({ step: 'consumers' });
  });

  it('exits 1 and stops running steps when the deadline passes', async () => {
    let releaseHung: () => void = () => {};
    const order: string[] = [];
    const { control, exits, destination } = setup([
      { name: 'hung', close: () => new Promise<void>((resolve) => { releaseHung = resolve; }) },
      { name: 'pool', close: async () => { order.push('pool'); } },
    ], 20);
    const running = control.shutdown('test');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(exits).toEqual([1]);
    expect(destination.entries().find((entry) => entry.level === 'error')).toMatchObject({ step: 'hung' });
    releaseHung();
    await running;
    expect(exits).toEqual([1]);
    expect(order).toEqual([]);
  });
});
