import { ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import { api } from '../api/api-instance.ts';
import { ApiError } from '../api/api-error.ts';
import { debouncer } from '../composables/use-debounced.ts';
import type { SearchHit, SearchPage } from '../api/contracts.ts';

/** Typing pauses this long before a search is sent. */
export const SEARCH_DEBOUNCE_MS = 250;
const PAGE_SIZE = 20;

const isAbort = (error: unknown) => (error as Error | null)?.name === 'AbortError';

/**
 * The sidebar's message search. Each keystroke restarts the wait; a new search aborts the one
 * still in flight, so an old answer never replaces a newer one.
 */
export const useSearchStore = defineStore('search', () => {
  const query = ref('');
  /** The query the results belong to. */
  const searched = ref('');
  const results = shallowRef<SearchHit[]>([]);
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const error = ref<unknown>(null);
  const typingPause = debouncer(SEARCH_DEBOUNCE_MS);
  let controller: AbortController | null = null;

  function cancel(): void {
    typingPause.cancel();
    controller?.abort();
    controller = null;
    loading.value = false;
  }

  async function fetchPage(q: string, cursor: string | null): Promise<void> {
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    loading.value = true;
    error.value = null;
    const params = new URLSearchParams({ q, limit: String(PAGE_SIZE) });
    if (cursor) params.set('cursor', cursor);
    try {
      const page = await api().get<SearchPage>(`/api/chat/search?${params}`, { signal: mine.signal });
      if (mine.signal.aborted) return;
      results.value = cursor ? [...results.value, ...page.items] : page.items;
      nextCursor.value = page.nextCursor;
      searched.value = q;
    } catch (caught) {
      if (mine.signal.aborted || isAbort(caught)) return;
      // Only separators typed (`*`, `"()"`): nothing to look for is no match, not a failure.
      if (caught instanceof ApiError && caught.code === 'CHAT_SEARCH_QUERY_INVALID') {
        results.value = [];
        nextCursor.value = null;
        searched.value = q;
      } else {
        error.value = caught;
      }
    } finally {
      if (controller === mine) {
        controller = null;
        loading.value = false;
      }
    }
  }

  /** Called on every keystroke: searches once typing pauses. */
  function setQuery(value: string): void {
    query.value = value;
    cancel();
    const q = value.trim();
    if (q === '') {
      clearResults();
      return;
    }
    typingPause.schedule(() => void fetchPage(q, null));
  }

  function loadMore(): Promise<void> {
    if (!nextCursor.value || loading.value) return Promise.resolve();
    return fetchPage(searched.value, nextCursor.value);
  }

  function clearResults(): void {
    results.value = [];
    nextCursor.value = null;
    searched.value = '';
    error.value = null;
  }

  function clear(): void {
    cancel();
    query.value = '';
    clearResults();
  }

  return { query, searched, results, nextCursor, loading, error, setQuery, loadMore, clear };
});
