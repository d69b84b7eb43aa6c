import { onMounted, ref, type Ref } from 'vue';
import { useSettingsAction, type SettingsAction } from './use-settings-action.ts';

export interface SettingsList<T> {
  items: Ref<T[]>;
  /** True once the first answer came: "none yet" is only said after it. */
  loaded: Ref<boolean>;
  load: SettingsAction;
}

/** A settings section's list (sessions, API keys), fetched when the section mounts. */
export function useSettingsList<T>(fetch: () => Promise<T[]>): SettingsList<T> {
  const items = ref<T[]>([]) as Ref<T[]>;
  const loaded = ref(false);
  const load = useSettingsAction(async () => {
    items.value = await fetch();
    loaded.value = true;
  });
  onMounted(load.submit);
  return { items, loaded, load };
}
