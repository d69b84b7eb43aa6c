import { ref, type Ref } from 'vue';

export interface ActionStatus {
  /** What the last successful action did, for a role=status line. */
  notice: Ref<string>;
  /** What the last action threw (shown by ErrorAlert); null once another starts. */
  error: Ref<unknown>;
  /** True while an action runs: a confirm dialog's buttons wait for it. */
  busy: Ref<boolean>;
  /** Runs `action`, which resolves to its notice; resolves to whether it succeeded. */
  run(action: () => Promise<string>): Promise<boolean>;
}

/** The status line and error of a section whose rows have actions (enable, delete, change role…). */
export function useActionStatus(): ActionStatus {
  const notice = ref('');
  const error = ref<unknown>(null);
  const busy = ref(false);
  async function run(action: () => Promise<string>): Promise<boolean> {
    busy.value = true;
    error.value = null;
    notice.value = '';
    try {
      notice.value = await action();
      return true;
    } catch (caught) {
      error.value = caught;
      return false;
    } finally {
      busy.value = false;
    }
  }
  return { notice, error, busy, run };
}
