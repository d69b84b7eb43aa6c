import { computed, ref, type ComputedRef, type Ref } from 'vue';
import { ApiError } from '../../api/api-error.ts';
import { useFormAction, type FormAction } from '../../composables/use-form-action.ts';

export interface SettingsAction extends FormAction {
  /** True after the last run succeeded, until the next one starts: the section says so (role=status). */
  done: Ref<boolean>;
  /** Fields a 400 VALIDATION_FAILED named (`body.displayName` → `displayName`), for messages beside them. */
  invalidFields: ComputedRef<ReadonlySet<string>>;
}

/** One API action of a settings section: busy, translated error, success and per-field errors. */
export function useSettingsAction(action: () => Promise<void>): SettingsAction {
  const done = ref(false);
  const form = useFormAction(async () => {
    done.value = false;
    await action();
    done.value = true;
  });
  const invalidFields = computed<ReadonlySet<string>>(() => {
    const error = form.error.value;
    if (!(error instanceof ApiError) || error.code !== 'VALIDATION_FAILED') return new Set();
    return new Set((error.problem?.errors ?? []).map((item) => item.path.replace(/^body[./]/, '')));
  });
  return { ...form, done, invalidFields };
}
