import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startHeartbeat } from '../src/realtime/heartbeat.ts';

describe('heartbeat', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('beats every member once per interval, a slice of them per tick rather than all at once', () => {
    const heartbeat = startHeartbeat(1_600);
    const beats = new Map<number, number[]>();
    const perTick: number[] = [];
    let clock = 0;
    let thisTick = 0;
    for (let id = 0; id < 160; id += 1) {
      heartbeat.add({ beat: () => { beats.set(id, [...(beats.get(id) ?? []), clock]); thisTick += 1; } });
    }
    for (let tick = 0; tick < 48; tick += 1) {
      clock += 100;
      vi.advanceTimersByTime(100);
      perTick.push(thisTick);
      thisTick = 0;
    }
    heartbeat.stop();
    expect(Math.max(...perTick)).toBe(10);
    expect([...beats.values()].every((times) => times.length === 3 && times[1]! - times[0]! === 1_600 && times[2]! - times[1]! === 1_600)).toBe(true);
    expect(beats.size).toBe(160);
  });

  it('stops beating a member once removed, and beats a newcomer within one interval', () => {
    const heartbeat = startHeartbeat(1_600);
    const counts = { gone: 0, late: 0 };
    const remove = heartbeat.add({ beat: () => { counts.gone += 1; } });
    vi.advanceTimersByTime(1_600);
    remove();
    heartbeat.add({ beat: () => { counts.late += 1; } });
    vi.advanceTimersByTime(1_600);
    heartbeat.stop();
    expect(counts).toEqual({ gone: 1, late: 1 });
  });
});
