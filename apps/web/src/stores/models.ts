import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import { api } from '../api/api-instance.ts';
import type { AiModel, AiModelList } from '../api/contracts.ts';
import { usePreferencesStore } from './preferences.ts';

/** The built-in model's provider: answers without any AI behind it (services/ai offline-reply). */
export const OFFLINE_PROVIDER_ID = 'offline';

/** The models the user may pick from, and the one the next message is sent with. */
export const useModelsStore = defineStore('models', () => {
  const items = ref<AiModel[]>([]);
  const platformDefault = ref<string | null>(null);
  const userDefault = ref<string | null>(null);
  /** The person's choice in the picker; null follows the default. */
  const chosen = ref<string | null>(null);
  const loaded = ref(false);
  const error = ref<unknown>(null);
  let loading: Promise<void> | null = null;

  const available = (id: string | null): id is string => id !== null && items.value.some((model) => model.id === id);
  /** The model the next message goes with: the choice, else the user's default, else the platform's. */
  const selected = computed<string | null>(() => {
    if (available(chosen.value)) return chosen.value;
    if (available(userDefault.value)) return userDefault.value;
    return platformDefault.value ?? items.value[0]?.id ?? null;
  });
  /** No real provider configured: every model is the built-in offline one. */
  const offlineOnly = computed(() => items.value.length > 0 && items.value.every((model) => model.provider === OFFLINE_PROVIDER_ID));

  // The profile the app reads once anyway (theme, settings): no second GET /api/users/me.
  const preferences = usePreferencesStore();
  async function readUserDefault(): Promise<string | null> {
    await preferences.load();
    // No profile yet, or the users service is away (load keeps the error): the platform default will do.
    return preferences.me?.preferences?.defaultModel ?? null;
  }

  async function fetchAll(): Promise<void> {
    error.value = null;
    try {
      const [list, preferred] = await Promise.all([api().get<AiModelList>('/api/ai/models'), readUserDefault()]);
      items.value = list.items;
      platformDefault.value = list.defaultModel;
      userDefault.value = preferred;
      loaded.value = true;
    } catch (caught) {
      error.value = caught;
    }
  }

  /** Reads the list once; concurrent callers share the request. */
  function load(): Promise<void> {
    if (loaded.value) return Promise.resolve();
    loading ??= fetchAll().finally(() => {
      loading = null;
    });
    return loading;
  }

  function choose(id: string): void {
    chosen.value = id;
  }

  /** Signed out: the next person may have another plan, so another list and default. */
  function clear(): void {
    items.value = [];
    platformDefault.value = null;
    userDefault.value = null;
    chosen.value = null;
    loaded.value = false;
    error.value = null;
  }

  function providerOf(id: string | null): string | null {
    return items.value.find((model) => model.id === id)?.provider ?? null;
  }

  return { items, platformDefault, userDefault, chosen, loaded, error, selected, offlineOnly, load, choose, clear, providerOf };
});
