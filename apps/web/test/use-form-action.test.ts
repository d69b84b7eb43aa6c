import { describe, expect, it } from 'vitest';
import { useFormAction } from '../src/composables/use-form-action.ts';

describe('useFormAction', () => {
  it('is busy while the action runs, refuses a second submit meanwhile, and clears the error on success', async () => {
    let release!: () => void;
    let runs = 0;
    const form = useFormAction(() => {
      runs += 1;
      return new Promise<void>((resolve) => { release = resolve; });
    });
    form.error.value = new Error('from before');
    const first = form.submit();
    expect(form.busy.value).toBe(true);
    expect(form.error.value).toBeNull();
    await form.submit();
    expect(runs).toBe(1);
    release();
    await first;
    expect(form.busy.value).toBe(false);
    expect(form.error.value).toBeNull();
  });

  it('keeps what the action threw for display and is ready for another try', async () => {
    const failure = new Error('AUTH_INVALID_CREDENTIALS');
    const form = useFormAction(() => Promise.reject(failure));
    await form.submit();
    expect(form.error.value).toBe(failure);
    expect(form.busy.value).toBe(false);
  });
});
