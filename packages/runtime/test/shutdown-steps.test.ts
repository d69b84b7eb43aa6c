import { describe, expect, it } from 'vitest';
import { parallelStep } from '../src/shutdown-steps.ts';

describe('parallelStep', () => {
  it('starts every part before any has finished', async () => {
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const part = (name: string) => ({ name, close: async () => { started.push(name); await gate; } });
    const closing = parallelStep('consumers', [part('a'), part('b')]).close();
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    release();
    await closing;
  });

  it('closes the other parts when one fails, then fails naming it', async () => {
    const closed: string[] = [];
    const step = parallelStep('databases', [
      { name: 'auth-database', close: async () => { throw new Error('boom'); } },
      { name: 'users-database', close: async () => { closed.push('users'); } },
    ]);
    expect(step.name).toBe('databases (auth-database, users-database)');
    await expect(step.close()).rejects.toThrow('auth-database failed to close');
    expect(closed).toEqual(['users']);
  });
});
