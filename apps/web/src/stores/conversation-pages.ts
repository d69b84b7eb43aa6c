import { computed, ref } from 'vue';
import { api } from '../api/api-instance.ts';
import type { Conversation, ConversationPage } from '../api/contracts.ts';

export const PAGE_SIZE = 30;
const MAX_PAGE_SIZE = 100;

/** The API's list order: pinned first, then the latest message first, then the id (docs/chat.md). */
export function comesBefore(a: Conversation, b: Conversation): boolean {
  if (a.pinned !== b.pinned) return a.pinned;
  if (a.lastMessageAt !== b.lastMessageAt) return a.lastMessageAt > b.lastMessageAt;
  return a.id > b.id;
}

const sameOrderKey = (a: Conversation, b: Conversation) => a.pinned === b.pinned && a.lastMessageAt === b.lastMessageAt;

/**
 * One list of the sidebar read page by page along the API's cursor. `hidden` filters out
 * what is waiting to be deleted, so a reload cannot bring it back during its undo window.
 */
export function useConversationPages(listPath: string, hidden: (id: string) => boolean) {
  const items = ref<Conversation[]>([]);
  const cursor = ref<string | null>(null);
  const loaded = ref(false);
  const loading = ref(false);
  const loadingMore = ref(false);
  const error = ref<unknown>(null);
  const hasMore = computed(() => cursor.value !== null);
  /** The last conversation the API listed: the cursor's place, what the next page starts after. */
  let boundary: Conversation | null = null;
  // A reload makes every answer asked for before it stale.
  let generation = 0;

  const url = (limit: number, after?: string) => {
    const separator = listPath.includes('?') ? '&' : '?';
    return `${listPath}${separator}limit=${limit}${after ? `&cursor=${encodeURIComponent(after)}` : ''}`;
  };

  async function reload(): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    error.value = null;
    // As many as are shown, so a refresh after scrolling does not shrink the list.
    const limit = Math.min(MAX_PAGE_SIZE, Math.max(PAGE_SIZE, items.value.length));
    try {
      const page = await api().get<ConversationPage>(url(limit));
      if (mine !== generation) return;
      items.value = page.items.filter((item) => !hidden(item.id));
      cursor.value = page.nextCursor;
      boundary = page.items.at(-1) ?? null;
      loaded.value = true;
    } catch (caught) {
      if (mine === generation) error.value = caught;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  async function loadMore(): Promise<void> {
    const after = cursor.value;
    if (!after || loading.value || loadingMore.value) return;
    const mine = generation;
    loadingMore.value = true;
    error.value = null;
    try {
      const page = await api().get<ConversationPage>(url(PAGE_SIZE, after));
      if (mine !== generation) return;
      const known = new Set(items.value.map((item) => item.id));
      items.value = [...items.value, ...page.items.filter((item) => !known.has(item.id) && !hidden(item.id))];
      cursor.value = page.nextCursor;
      boundary = page.items.at(-1) ?? boundary;
    } catch (caught) {
      if (mine === generation) error.value = caught;
    } finally {
      loadingMore.value = false;
    }
  }

  function find(id: string): Conversation | undefined {
    return items.value.find((item) => item.id === id);
  }

  /** Takes the conversation out; returns where it was (-1 when it was not there). */
  function remove(id: string): number {
    const index = items.value.findIndex((item) => item.id === id);
    if (index >= 0) items.value = items.value.filter((item) => item.id !== id);
    return index;
  }

  function insertAt(conversation: Conversation, index: number): void {
    const rest = items.value.filter((item) => item.id !== conversation.id);
    const at = Math.max(0, Math.min(index, rest.length));
    items.value = [...rest.slice(0, at), conversation, ...rest.slice(at)];
  }

  /** Where the API would list it: in place when only its title changed, else by the list order. */
  function place(conversation: Conversation): void {
    const index = items.value.findIndex((item) => item.id === conversation.id);
    if (index >= 0 && sameOrderKey(items.value[index]!, conversation)) {
      items.value = items.value.map((item, at) => (at === index ? conversation : item));
      return;
    }
    const rest = items.value.filter((item) => item.id !== conversation.id);
    // Past the cursor while pages remain: it belongs to a page not read yet, which will bring it.
    if (hasMore.value && boundary && boundary.id !== conversation.id && comesBefore(boundary, conversation)) {
      items.value = rest;
      return;
    }
    const at = rest.findIndex((item) => comesBefore(conversation, item));
    items.value = at < 0 ? [...rest, conversation] : [...rest.slice(0, at), conversation, ...rest.slice(at)];
  }

  function reset(): void {
    generation += 1;
    items.value = [];
    cursor.value = null;
    boundary = null;
    loaded.value = false;
    loading.value = false;
    loadingMore.value = false;
    error.value = null;
  }

  return { items, loaded, loading, loadingMore, error, hasMore, reload, loadMore, find, remove, insertAt, place, reset };
}
