import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import { api } from '../api/api-instance.ts';
import type { SessionTokens, SessionUser } from '../api/contracts.ts';

/** Who is signed in. The access token itself stays inside the API client, in memory. */
export const useSessionStore = defineStore('session', () => {
  const user = ref<SessionUser | null>(null);
  const restored = ref(false);
  const signedIn = computed(() => user.value !== null);
  let restoring: Promise<void> | null = null;

  function adopt(tokens: SessionTokens): void {
    api().setAccessToken(tokens.accessToken);
    user.value = tokens.user;
  }

  /** Once per page load: the refresh cookie (if any) signs the user back in after a reload. */
  function restore(): Promise<void> {
    restoring ??= api()
      .refresh()
      .then((tokens) => {
        if (tokens) adopt(tokens);
      })
      .catch(() => {
        // Offline or auth unavailable: the user signs in by hand.
      })
      .finally(() => {
        restored.value = true;
      });
    return restoring;
  }

  async function signIn(email: string, password: string): Promise<void> {
    adopt(await api().post<SessionTokens>('/api/auth/login', { email, password }, { auth: false }));
  }

  /** Registers, then signs in at once: login does not wait for the e-mail to be verified. */
  async function signUp(email: string, password: string): Promise<void> {
    await api().post('/api/auth/register', { email, password }, { auth: false });
    await signIn(email, password);
  }

  async function signOut(): Promise<void> {
    try {
      await api().post('/api/auth/logout', undefined, { auth: false });
    } finally {
      forget();
    }
  }

  /** The session ended elsewhere (revoked, expired refresh): drop what we know. */
  function forget(): void {
    api().setAccessToken(null);
    user.value = null;
  }

  return { user, restored, signedIn, restore, signIn, signUp, signOut, forget };
});
