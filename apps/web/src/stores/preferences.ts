import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import { api } from '../api/api-instance.ts';
import type { MeDocument, MePatch, Theme } from '../api/contracts.ts';
import { applyTheme, isTheme, savedTheme } from '../composables/use-theme.ts';

/** The browser's own time zone: what a profile without one uses. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * The signed-in person's profile and preferences (GET/PATCH /api/users/me). The theme is
 * applied the moment it is known: from this device at start, then from the profile.
 */
export const usePreferencesStore = defineStore('preferences', () => {
  const me = ref<MeDocument | null>(null);
  const theme = ref<Theme>(savedTheme());
  const loadError = ref<unknown>(null);
  let loading: Promise<void> | null = null;

  /** The zone dates are shown in: the profile's, else the browser's. */
  const timeZone = computed(() => me.value?.timeZone ?? browserTimeZone());

  function adopt(document: MeDocument): void {
    me.value = document;
    const saved = document.preferences?.theme;
    if (isTheme(saved) && saved !== theme.value) {
      theme.value = saved;
      applyTheme(saved);
    }
  }

  /** Reads the profile once; concurrent callers share the request. `force` reads it again. */
  function load(force = false): Promise<void> {
    if (me.value && !force) return Promise.resolve();
    loading ??= api()
      .get<MeDocument>('/api/users/me')
      .then((document) => {
        loadError.value = null;
        adopt(document);
      })
      .catch((caught: unknown) => {
        loadError.value = caught;
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  }

  /** Sends a merge patch; the answer is the whole new document. Throws the ApiError on refusal. */
  async function update(patch: MePatch): Promise<MeDocument> {
    const document = await api().request<MeDocument>('PATCH', '/api/users/me', { body: patch });
    adopt(document);
    return document;
  }

  /** Shows the theme at once, then saves it; the previous one comes back if the API refuses. */
  async function setTheme(next: Theme): Promise<void> {
    const previous = theme.value;
    theme.value = next;
    applyTheme(next);
    try {
      await update({ preferences: { theme: next } });
    } catch (caught) {
      theme.value = previous;
      applyTheme(previous);
      throw caught;
    }
  }

  /** Signed out or account deleted: nothing of this person stays (the device keeps its theme). */
  function clear(): void {
    me.value = null;
    loadError.value = null;
  }

  return { me, theme, timeZone, loadError, load, update, setTheme, clear };
});
