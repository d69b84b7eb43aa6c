import { ref } from 'vue';
import { defineStore } from 'pinia';
import { api } from '../api/api-instance.ts';
import type { SystemStatus } from '../api/contracts.ts';

/** The gateway's `GET /api/admin/system`: every service's replicas, the bus's lag and dead letters. */
export const useAdminSystemStore = defineStore('admin-system', () => {
  const status = ref<SystemStatus | null>(null);
  const loading = ref(false);
  const error = ref<unknown>(null);
  let inFlight: Promise<void> | null = null;

  async function fetchStatus(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      status.value = await api().get<SystemStatus>('/api/admin/system');
    } catch (caught) {
      // The last known status stays on screen beside the error.
      error.value = caught;
    } finally {
      loading.value = false;
    }
  }

  /** A refresh asked while one is running shares it (the timer and the button may meet). */
  function refresh(): Promise<void> {
    inFlight ??= fetchStatus().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  return { status, loading, error, refresh };
});
