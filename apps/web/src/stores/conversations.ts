import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import { api } from '../api/api-instance.ts';
import { ApiError } from '../api/api-error.ts';
import type { Conversation } from '../api/contracts.ts';
import { useConversationPages } from './conversation-pages.ts';
import { usePendingDeletion, type Shelf } from './pending-deletion.ts';

const base = '/api/chat/conversations';

type ConversationPatch = Partial<Pick<Conversation, 'title' | 'pinned' | 'archived'>>;

/**
 * The sidebar's lists: the active conversations (pinned first, then most recent: the API's
 * order) and the archived ones, each read page by page. Changes show at once and are undone
 * when the API refuses them; a deletion waits for its undo window before it is sent.
 */
export const useConversationsStore = defineStore('conversations', () => {
  const deleting = new Set<string>();
  const active = useConversationPages(base, (id) => deleting.has(id));
  const archived = useConversationPages(`${base}?archived=true`, (id) => deleting.has(id));
  /** The last change the API refused (rename, pin, archive, delete). */
  const actionError = ref<unknown>(null);

  const items = active.items;
  const pinned = computed(() => items.value.filter((item) => item.pinned));
  const recent = computed(() => items.value.filter((item) => !item.pinned));

  const shelfOf = (archivedFlag: boolean) => (archivedFlag ? archived : active);

  /** Reads the first page again (or as many as were shown, up to the API's page size). */
  function load(): Promise<void> {
    return active.reload();
  }

  /** Opens the archived section: read once, then kept up to date by the changes made here. */
  async function loadArchived(): Promise<void> {
    if (!archived.loaded.value && !archived.loading.value) await archived.reload();
  }

  /** A conversation made or changed elsewhere (the chat view, a notification) shows at once, in its place. */
  function upsert(conversation: Conversation): void {
    if (deleting.has(conversation.id)) return;
    shelfOf(!conversation.archived).remove(conversation.id);
    const shelf = shelfOf(conversation.archived);
    if (shelf === archived && !archived.loaded.value) return;
    shelf.place(conversation);
  }

  function find(id: string): Conversation | undefined {
    return active.find(id) ?? archived.find(id);
  }

  /** Applies the change now, sends it, and puts the conversation back as it was if the API refuses. */
  async function update(id: string, patch: ConversationPatch): Promise<boolean> {
    const before = find(id);
    if (!before) return false;
    actionError.value = null;
    upsert({ ...before, ...patch });
    try {
      upsert(await api().request<Conversation>('PATCH', `${base}/${encodeURIComponent(id)}`, { body: patch }));
      return true;
    } catch (caught) {
      upsert(before);
      actionError.value = caught;
      return false;
    }
  }

  function rename(id: string, title: string): Promise<boolean> {
    const trimmed = title.trim();
    return update(id, { title: trimmed === '' ? null : trimmed });
  }

  const setPinned = (id: string, value: boolean) => update(id, { pinned: value });
  const setArchived = (id: string, value: boolean) => update(id, { archived: value });

  const deletion = usePendingDeletion({
    send: async (conversation) => {
      try {
        await api().request<void>('DELETE', `${base}/${encodeURIComponent(conversation.id)}`);
      } catch (caught) {
        // Already gone is what was asked for; anything else puts it back.
        if (!(caught instanceof ApiError && caught.status === 404)) {
          restore(conversation);
          actionError.value = caught;
        }
      } finally {
        deleting.delete(conversation.id);
      }
    },
  });

  function restore(conversation: Conversation, shelf?: Shelf): void {
    deleting.delete(conversation.id);
    const list = shelfOf(conversation.archived);
    if (list === archived && !archived.loaded.value) return;
    if (shelf) list.insertAt(conversation, shelf.index);
    else list.place(conversation);
  }

  /** Hides the conversation at once; the DELETE goes when the undo window ends (or the page is left). */
  function remove(id: string): void {
    const list = active.find(id) ? active : archived;
    const conversation = list.find(id);
    if (!conversation) return;
    actionError.value = null;
    deleting.add(id);
    const index = list.remove(id);
    deletion.start(conversation, { index });
  }

  /** Puts the conversation the last deletion hid back where it was; the DELETE is never sent. */
  function undoDelete(): Conversation | null {
    const undone = deletion.undo();
    if (!undone) return null;
    restore(undone.conversation, undone.shelf);
    return undone.conversation;
  }

  function clear(): void {
    deletion.drop();
    deleting.clear();
    active.reset();
    archived.reset();
    actionError.value = null;
  }

  return {
    items,
    pinned,
    recent,
    loading: active.loading,
    loadingMore: active.loadingMore,
    error: active.error,
    hasMore: active.hasMore,
    loadMore: active.loadMore,
    archivedItems: archived.items,
    archivedLoaded: archived.loaded,
    archivedLoading: archived.loading,
    archivedLoadingMore: archived.loadingMore,
    archivedError: archived.error,
    archivedHasMore: archived.hasMore,
    loadMoreArchived: archived.loadMore,
    loadArchived,
    reloadArchived: archived.reload,
    actionError,
    pendingDeletion: deletion.pending,
    load,
    upsert,
    rename,
    setPinned,
    setArchived,
    remove,
    undoDelete,
    flushDeletion: deletion.flush,
    clear,
  };
});
