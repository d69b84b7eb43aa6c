import { onBeforeUnmount, onMounted } from 'vue';
import { api } from '../api/api-instance.ts';
import type { ServerFrame } from '../api/contracts.ts';
import { useChatStore } from '../stores/chat.ts';
import { useConversationsStore } from '../stores/conversations.ts';
import { ChatSocket } from './chat-socket.ts';

async function currentToken(renew: boolean): Promise<string | null> {
  if (!renew) return api().accessToken;
  try {
    return (await api().refresh())?.accessToken ?? null;
  } catch {
    return api().accessToken; // offline: try again with what we have
  }
}

/** Connects the signed-in shell to the real-time channel for as long as it is shown. */
export function useChatChannel(): void {
  const chat = useChatStore();
  const conversations = useConversationsStore();
  let listRefresh: ReturnType<typeof setTimeout> | null = null;

  const resumeUnfinished = () => {
    for (const resume of chat.unfinishedStreams()) socket.send({ type: 'resume', ...resume });
  };
  const onFrame = (frame: ServerFrame) => {
    if (frame.type === 'entries') {
      const afterSeq = chat.applyEntries(frame.responseId, frame.entries);
      if (afterSeq !== null) socket.send({ type: 'resume', responseId: frame.responseId, afterSeq });
    } else if (frame.type.startsWith('conversation.')) {
      // A hint that the list changed (a title was generated, another device renamed…): read it again, once per burst.
      listRefresh ??= setTimeout(() => {
        listRefresh = null;
        void conversations.load();
      }, 300);
    }
  };
  const socket = new ChatSocket({ token: currentToken, onFrame, onReady: resumeUnfinished });

  onMounted(() => socket.start());
  onBeforeUnmount(() => {
    socket.stop();
    if (listRefresh) clearTimeout(listRefresh);
  });
}
