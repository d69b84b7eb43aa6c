import { ref } from 'vue';
import { defineStore } from 'pinia';
import { api } from '../api/api-instance.ts';
import type { Conversation, ConversationWithPath, MessageStatus, SendAccepted, StreamEntryEvent } from '../api/contracts.ts';
import { useConversationsStore } from './conversations.ts';

export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant' | 'system';
  content: string;
  status: MessageStatus;
  errorCode: string | null;
  model: string | null;
}

/** What the real-time channel has told us about one answer. */
export interface StreamState {
  text: string;
  /** The last entry applied; entries are applied strictly in order (docs/realtime.md). */
  lastSeq: number;
  status: MessageStatus;
  model: string | null;
  errorCode: string | null;
}

const FINAL: readonly MessageStatus[] = ['completed', 'failed', 'cancelled'];

/** The open conversation and the answers streaming into it. */
export const useChatStore = defineStore('chat', () => {
  const conversationId = ref<string | null>(null);
  const messages = ref<ChatMessage[]>([]);
  const streams = ref<Record<string, StreamState>>({});
  const loading = ref(false);
  const sending = ref(false);

  function reset(): void {
    conversationId.value = null;
    messages.value = [];
  }

  async function open(id: string): Promise<void> {
    if (conversationId.value === id) return;
    loading.value = true;
    try {
      const page = await api().get<ConversationWithPath>(`/api/chat/conversations/${encodeURIComponent(id)}`);
      conversationId.value = page.conversation.id;
      messages.value = page.messages.map((message) => ({
        id: message.id, role: message.role, content: message.content, status: message.status, errorCode: message.errorCode, model: message.model,
      }));
    } finally {
      loading.value = false;
    }
  }

  /** Sends a message, creating the conversation first when none is open; returns the conversation id. */
  async function send(content: string): Promise<string> {
    sending.value = true;
    try {
      let id = conversationId.value;
      if (!id) {
        const conversation = await api().post<Conversation>('/api/chat/conversations', {});
        useConversationsStore().upsert(conversation);
        id = conversation.id;
        conversationId.value = id;
      }
      const accepted = await api().post<SendAccepted>(`/api/chat/conversations/${encodeURIComponent(id)}/messages`, { content });
      messages.value.push(
        { id: accepted.messageId, role: 'user', content, status: 'completed', errorCode: null, model: null },
        { id: accepted.responseId, role: 'assistant', content: '', status: 'pending', errorCode: null, model: null },
      );
      return id;
    } finally {
      sending.value = false;
    }
  }

  /**
   * Applies a frame's entries in order. Returns the seq to resume after when entries are
   * missing (we joined mid-stream or lost some), else null.
   */
  function applyEntries(responseId: string, entries: readonly { seq: number; event: StreamEntryEvent }[]): number | null {
    const state = (streams.value[responseId] ??= { text: '', lastSeq: 0, status: 'pending', model: null, errorCode: null });
    for (const entry of entries) {
      if (entry.seq <= state.lastSeq) continue;
      if (entry.seq > state.lastSeq + 1) return state.lastSeq;
      applyEvent(state, entry.event);
      state.lastSeq = entry.seq;
    }
    return null;
  }

  function applyEvent(state: StreamState, event: StreamEntryEvent): void {
    if (event.type === 'delta') {
      state.text += event.text;
      state.status = 'streaming';
    } else if (event.type === 'reset') {
      state.text = '';
    } else if (event.type === 'status') {
      state.status = event.status === 'queued' ? 'pending' : 'streaming';
      state.model = event.model ?? state.model;
    } else {
      state.status = event.status;
      state.errorCode = event.errorCode ?? null;
    }
  }

  /** Answers still being written (to resume after a reconnect). */
  function unfinishedStreams(): { responseId: string; afterSeq: number }[] {
    const followed = Object.entries(streams.value)
      .filter(([, state]) => !FINAL.includes(state.status))
      .map(([responseId, state]) => ({ responseId, afterSeq: state.lastSeq }));
    // Answers loaded from the API while still being written: read their stream from the start.
    const loaded = messages.value
      .filter((message) => message.role === 'assistant' && !FINAL.includes(message.status) && !streams.value[message.id])
      .map((message) => ({ responseId: message.id, afterSeq: 0 }));
    return [...followed, ...loaded];
  }

  /** A message as it should show: the stream's text and state win while we have them. */
  function view(message: ChatMessage): ChatMessage {
    const state = streams.value[message.id];
    if (!state || message.role !== 'assistant') return message;
    return { ...message, content: state.text, status: state.status, errorCode: state.errorCode, model: state.model ?? message.model };
  }

  return { conversationId, messages, streams, loading, sending, reset, open, send, applyEntries, unfinishedStreams, view };
});
