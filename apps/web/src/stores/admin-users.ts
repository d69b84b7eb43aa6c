import { ref } from 'vue';
import { defineStore } from 'pinia';
import { api } from '../api/api-instance.ts';
import type { AdminUser, AdminUserPage, Role } from '../api/contracts.ts';

const BASE = '/api/users/admin/users';
const PAGE_SIZE = 20;

/** The admin's user list: a search, the pages loaded so far, and the changes made to them. */
export const useAdminUsersStore = defineStore('admin-users', () => {
  const items = ref<AdminUser[]>([]);
  const query = ref('');
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const error = ref<unknown>(null);
  // Only the answer to the latest search may land: an older, slower one is dropped.
  let generation = 0;

  function pagePath(cursor: string | null): string {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    const q = query.value.trim();
    if (q) params.set('q', q.slice(0, 100));
    if (cursor) params.set('cursor', cursor);
    return `${BASE}?${params.toString()}`;
  }

  async function fetchPage(cursor: string | null): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    error.value = null;
    try {
      const page = await api().get<AdminUserPage>(pagePath(cursor));
      if (mine !== generation) return;
      items.value = cursor ? [...items.value, ...page.items] : page.items;
      nextCursor.value = page.nextCursor;
    } catch (caught) {
      if (mine === generation) error.value = caught;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  /** A new search from the first page. */
  function search(text: string): Promise<void> {
    query.value = text;
    return fetchPage(null);
  }

  function loadMore(): Promise<void> {
    return nextCursor.value ? fetchPage(nextCursor.value) : Promise.resolve();
  }

  function replace(updated: AdminUser): void {
    items.value = items.value.map((user) => (user.userId === updated.userId ? updated : user));
  }

  /** Throws the API's error (the caller shows it where the action was asked for). */
  async function setDisabled(userId: string, disabled: boolean): Promise<void> {
    replace(await api().post<AdminUser>(`${BASE}/${encodeURIComponent(userId)}/${disabled ? 'disable' : 'enable'}`));
  }

  async function setRole(userId: string, role: Role): Promise<void> {
    replace(await api().request<AdminUser>('PATCH', `${BASE}/${encodeURIComponent(userId)}/role`, { body: { role } }));
  }

  return { items, query, nextCursor, loading, error, search, loadMore, setDisabled, setRole };
});
