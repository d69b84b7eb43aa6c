import { onBeforeUnmount, onMounted } from 'vue';
import { api } from '../api/api-instance.ts';
import { useChatStore } from '../stores/chat.ts';
import { useConversationsStore } from '../stores/conversations.ts';
import { connectChatChannel } from './chat-channel.ts';

async function currentToken(renew: boolean): Promise<string | null> {
  if (!renew) return api().accessToken;
  try {
    // A session revoked elsewhere (sign out everywhere, password change) ends here too.
    return (await api().renewOrLose())?.accessToken ?? null;
  } catch {
    return api().accessToken; // offline: try again with what we have
  }
}

/** Connects the signed-in shell to the real-time channel for as long as it is shown. */
export function useChatChannel(): void {
  const chat = useChatStore();
  const conversations = useConversationsStore();
  let channel: { stop: () => void } | null = null;

  onMounted(() => {
    channel = connectChatChannel({ chat, conversations, token: currentToken });
  });
  onBeforeUnmount(() => channel?.stop());
}
