import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import { api } from '../api/api-instance.ts';
import type {
  CancelAccepted, Conversation, ConversationWithPath, Message, MessageStatus, PathMessage, SendAccepted, StreamEntryEvent,
} from '../api/contracts.ts';
import { useConversationsStore } from './conversations.ts';

export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant' | 'system';
  content: string;
  status: MessageStatus;
  errorCode: string | null;
  model: string | null;
  provider?: string | null;
  usage?: { promptTokens: number; completionTokens: number } | null;
  /** Alternatives at this message's position (edits, regenerations); 1 when there are none. */
  siblingCount?: number;
  siblingIndex?: number;
  siblingIds?: string[];
}

/** What the real-time channel has told us about one answer. */
export interface StreamState {
  text: string;
  /** The last entry applied; entries are applied strictly in order (docs/realtime.md). */
  lastSeq: number;
  status: MessageStatus;
  model: string | null;
  provider: string | null;
  errorCode: string | null;
}

const FINAL: readonly MessageStatus[] = ['completed', 'failed', 'cancelled'];
const isUnfinished = (status: MessageStatus) => !FINAL.includes(status);
const path = (conversationId: string) => `/api/chat/conversations/${encodeURIComponent(conversationId)}`;

function fromApi(message: Message | PathMessage): ChatMessage {
  const siblings = 'siblingIds' in message
    ? { siblingCount: message.siblingCount, siblingIndex: message.siblingIndex, siblingIds: message.siblingIds }
    : {};
  return {
    id: message.id, role: message.role, content: message.content, status: message.status, errorCode: message.errorCode,
    model: message.model, provider: message.provider ?? null, usage: message.usage ?? null, ...siblings,
  };
}

/** One more alternative at a position: the new message is the newest sibling of the one it replaces. */
function asNewSibling(replaced: ChatMessage, fresh: ChatMessage): ChatMessage {
  const ids = replaced.siblingIds ?? [replaced.id];
  return { ...fresh, siblingIds: [...ids, fresh.id], siblingCount: ids.length + 1, siblingIndex: ids.length };
}

const pendingAnswer = (id: string, model: string | null): ChatMessage =>
  ({ id, role: 'assistant', content: '', status: 'pending', errorCode: null, model, provider: null, usage: null });

/** The open conversation and the answers streaming into it. */
export const useChatStore = defineStore('chat', () => {
  const conversationId = ref<string | null>(null);
  const messages = ref<ChatMessage[]>([]);
  /** `before` for the next older page; null when the first message is loaded. */
  const olderCursor = ref<string | null>(null);
  const streams = ref<Record<string, StreamState>>({});
  /** Answers whose stream the server no longer has: read from the API instead of resuming. */
  const gone = new Set<string>();
  const loading = ref(false);
  const loadingOlder = ref(false);
  const sending = ref(false);

  /** Nothing open (a new chat, or signed out): what the streams said is dropped too; a reopened conversation is read again. */
  function reset(): void {
    conversationId.value = null;
    messages.value = [];
    olderCursor.value = null;
    streams.value = {};
    gone.clear();
  }

  /** Ended answers are in the API's copy by now; only unfinished streams are worth keeping across conversations. */
  function forgetEndedStreams(): void {
    for (const [responseId, state] of Object.entries(streams.value)) if (!isUnfinished(state.status)) delete streams.value[responseId];
  }

  function showPage(page: ConversationWithPath): void {
    conversationId.value = page.conversation.id;
    messages.value = page.messages.map(fromApi);
    olderCursor.value = page.nextCursor;
  }

  async function open(id: string): Promise<void> {
    if (conversationId.value === id) return;
    loading.value = true;
    forgetEndedStreams();
    try {
      showPage(await api().get<ConversationWithPath>(path(id)));
    } finally {
      loading.value = false;
    }
  }

  /** Reads the open conversation's newest page again (the stored answers replace what the streams said). */
  async function reload(): Promise<void> {
    const id = conversationId.value;
    if (!id) return;
    const page = await api().get<ConversationWithPath>(path(id));
    if (conversationId.value !== id) return; // the person opened another one meanwhile
    showPage(page);
    for (const message of page.messages) if (!isUnfinished(message.status)) delete streams.value[message.id];
  }

  /** Prepends the page before the oldest loaded message. */
  async function loadOlder(): Promise<number> {
    const id = conversationId.value;
    const before = olderCursor.value;
    if (!id || !before || loadingOlder.value) return 0;
    loadingOlder.value = true;
    try {
      const page = await api().get<ConversationWithPath>(`${path(id)}?before=${encodeURIComponent(before)}`);
      if (conversationId.value !== id) return 0;
      const known = new Set(messages.value.map((message) => message.id));
      const older = page.messages.filter((message) => !known.has(message.id)).map(fromApi);
      messages.value = [...older, ...messages.value];
      olderCursor.value = page.nextCursor;
      return older.length;
    } finally {
      loadingOlder.value = false;
    }
  }

  /** Sends a message, creating the conversation first when none is open; returns the conversation id. */
  async function send(content: string, model: string | null = null): Promise<string> {
    sending.value = true;
    try {
      let id = conversationId.value;
      if (!id) {
        const conversation = await api().post<Conversation>('/api/chat/conversations', {});
        useConversationsStore().upsert(conversation);
        id = conversation.id;
        conversationId.value = id;
      }
      const accepted = await api().post<SendAccepted>(`${path(id)}/messages`, model ? { content, model } : { content });
      // A reload for another device's message may have read these two already.
      const known = new Set(messages.value.map((message) => message.id));
      const sent: ChatMessage[] = [
        { id: accepted.messageId, role: 'user', content, status: 'completed', errorCode: null, model: null, siblingCount: 1, siblingIndex: 0, siblingIds: [accepted.messageId] },
        { ...pendingAnswer(accepted.responseId, model), siblingCount: 1, siblingIndex: 0, siblingIds: [accepted.responseId] },
      ];
      messages.value.push(...sent.filter((message) => !known.has(message.id)));
      return id;
    } finally {
      sending.value = false;
    }
  }

  /** Asks the server to stop an answer; its final state (`cancelled`, text kept) arrives on the stream. */
  async function stop(responseId: string): Promise<CancelAccepted | null> {
    const id = conversationId.value;
    if (!id) return null;
    const answer = await api().post<CancelAccepted>(`${path(id)}/responses/${encodeURIComponent(responseId)}/cancel`);
    if (!answer.cancelRequested && FINAL.includes(answer.status)) {
      // Already over (we missed its end): show the stored state.
      await reload();
    }
    return answer;
  }

  /** A new answer to the same question; the branch now ends at it. */
  async function regenerate(responseId: string, model: string | null = null): Promise<void> {
    const id = conversationId.value;
    const index = messages.value.findIndex((message) => message.id === responseId);
    if (!id || index < 0) return;
    sending.value = true;
    try {
      const accepted = await api().post<SendAccepted>(`${path(id)}/responses/${encodeURIComponent(responseId)}/regenerate`, model ? { model } : {});
      const replaced = messages.value[index]!;
      messages.value = [...messages.value.slice(0, index), asNewSibling(replaced, pendingAnswer(accepted.responseId, model ?? replaced.model))];
    } finally {
      sending.value = false;
    }
  }

  /** Sends an edited question as a new branch beside the old one, with its new answer. */
  async function edit(messageId: string, content: string, model: string | null = null): Promise<void> {
    const id = conversationId.value;
    const index = messages.value.findIndex((message) => message.id === messageId);
    if (!id || index < 0) return;
    sending.value = true;
    try {
      const accepted = await api().post<SendAccepted>(`${path(id)}/messages/${encodeURIComponent(messageId)}/edit`, model ? { content, model } : { content });
      const replaced = messages.value[index]!;
      const question: ChatMessage = { id: accepted.messageId, role: 'user', content, status: 'completed', errorCode: null, model: null };
      messages.value = [
        ...messages.value.slice(0, index),
        asNewSibling(replaced, question),
        { ...pendingAnswer(accepted.responseId, model), siblingCount: 1, siblingIndex: 0, siblingIds: [accepted.responseId] },
      ];
    } finally {
      sending.value = false;
    }
  }

  /** Shows the branch through `messageId` (one of a message's siblings). */
  async function switchBranch(messageId: string): Promise<void> {
    const id = conversationId.value;
    if (!id) return;
    const page = await api().request<ConversationWithPath>('PUT', `${path(id)}/active-branch`, { body: { messageId } });
    if (conversationId.value === id) showPage(page);
  }

  /**
   * Applies a frame's entries in order. Returns the seq to resume after when entries are
   * missing (we joined mid-stream or lost some), else null.
   */
  function applyEntries(responseId: string, entries: readonly { seq: number; event: StreamEntryEvent }[]): number | null {
    const state = (streams.value[responseId] ??= { text: '', lastSeq: 0, status: 'pending', model: null, provider: null, errorCode: null });
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
      state.provider = event.provider ?? state.provider;
    } else {
      state.status = event.status;
      state.errorCode = event.errorCode ?? null;
    }
  }

  /** A stored message the server announced (an answer's final state with its usage): it replaces ours. */
  function applyMessage(message: Message): void {
    if (message.conversationId !== conversationId.value) return;
    const index = messages.value.findIndex((shown) => shown.id === message.id);
    if (index < 0) return;
    const current = messages.value[index]!;
    messages.value[index] = { ...fromApi(message), siblingCount: current.siblingCount, siblingIndex: current.siblingIndex, siblingIds: current.siblingIds };
    if (!isUnfinished(message.status)) delete streams.value[message.id];
  }

  /** Whether a message is in what the open conversation shows. */
  function shows(messageId: string): boolean {
    return messages.value.some((message) => message.id === messageId);
  }

  /**
   * The server no longer has this answer's stream (expired, or it ended long ago): the stored
   * answer is the truth; read it if it is in the open conversation.
   */
  async function streamGone(responseId: string): Promise<void> {
    gone.add(responseId);
    delete streams.value[responseId];
    if (messages.value.some((message) => message.id === responseId)) await reload();
  }

  /** Answers still being written (to resume after a reconnect). */
  function unfinishedStreams(): { responseId: string; afterSeq: number }[] {
    const followed = Object.entries(streams.value)
      .filter(([responseId, state]) => isUnfinished(state.status) && !gone.has(responseId))
      .map(([responseId, state]) => ({ responseId, afterSeq: state.lastSeq }));
    // Answers loaded from the API while still being written: read their stream from the start.
    const loaded = messages.value
      .filter((message) => message.role === 'assistant' && isUnfinished(message.status) && !streams.value[message.id] && !gone.has(message.id))
      .map((message) => ({ responseId: message.id, afterSeq: 0 }));
    return [...followed, ...loaded];
  }

  /** A message as it should show: the stream's text and state win while we have them. */
  function view(message: ChatMessage): ChatMessage {
    const state = streams.value[message.id];
    if (!state || message.role !== 'assistant') return message;
    return {
      ...message, content: state.text, status: state.status, errorCode: state.errorCode,
      model: state.model ?? message.model, provider: state.provider ?? message.provider ?? null,
    };
  }

  const shown = computed(() => messages.value.map(view));
  /** The answer being written in the open conversation, if any (what Stop and Esc stop). */
  const activeAnswer = computed(() => shown.value.findLast((message) => message.role === 'assistant' && isUnfinished(message.status)) ?? null);

  return {
    conversationId, messages, olderCursor, streams, loading, loadingOlder, sending, shown, activeAnswer,
    reset, open, reload, loadOlder, send, stop, regenerate, edit, switchBranch, applyEntries, applyMessage, shows, streamGone, unfinishedStreams, view,
  };
});
