import { ref } from 'vue';
import { defineStore } from 'pinia';
import { api } from '../api/api-instance.ts';
import type { Conversation, ConversationPage } from '../api/contracts.ts';

/** The sidebar's list: pinned first, then most recent (the API's order). */
export const useConversationsStore = defineStore('conversations', () => {
  const items = ref<Conversation[]>([]);
  const loading = ref(false);
  const error = ref<unknown>(null);

  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      items.value = (await api().get<ConversationPage>('/api/chat/conversations?limit=50')).items;
    } catch (caught) {
      error.value = caught;
    } finally {
      loading.value = false;
    }
  }

  /** A conversation made or changed here shows at once, before the list is read again. */
  function upsert(conversation: Conversation): void {
    const rest = items.value.filter((item) => item.id !== conversation.id);
    items.value = [conversation, ...rest];
  }

  function clear(): void {
    items.value = [];
  }

  return { items, loading, error, load, upsert, clear };
});
