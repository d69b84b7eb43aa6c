import { ref, type Ref } from 'vue';

export interface FormAction {
  /** True while the action runs: the submit button shows it and refuses a second click. */
  busy: Ref<boolean>;
  /** What the last run threw (an ApiError is shown translated by ErrorAlert); null after a success. */
  error: Ref<unknown>;
  submit(): Promise<void>;
}

/** The submit of a form that calls the API once: busy while running, the error kept for display. */
export function useFormAction(action: () => Promise<void>): FormAction {
  const busy = ref(false);
  const error = ref<unknown>(null);
  async function submit(): Promise<void> {
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    try {
      await action();
    } catch (caught) {
      error.value = caught;
    } finally {
      busy.value = false;
    }
  }
  return { busy, error, submit };
}
