import type { Message, ServerFrame } from '../api/contracts.ts';
import type { useChatStore } from '../stores/chat.ts';
import type { useConversationsStore } from '../stores/conversations.ts';
import { ChatSocket, type ChatSocketOptions } from './chat-socket.ts';

export interface ChatChannelOptions {
  chat: ReturnType<typeof useChatStore>;
  conversations: ReturnType<typeof useConversationsStore>;
  token: ChatSocketOptions['token'];
  createSocket?: ChatSocketOptions['createSocket'];
  url?: string;
  /** Where `visibilitychange` and `online` are listened to (the browser's by default). */
  page?: Pick<Document, 'addEventListener' | 'removeEventListener' | 'visibilityState'>;
  network?: Pick<Window, 'addEventListener' | 'removeEventListener'>;
}

/** Long enough for our own POST to have answered before its announcement is checked. */
const CREATED_CHECK_MS = 400;

/** Notification frames carry the stored message (services/chat ChatCoreNotification). */
type MessageNotification = { type: 'message.created' | 'message.updated'; message?: Message };

/**
 * Wires the real-time channel to the stores: applies streamed entries, resumes unfinished
 * answers after every (re)connection and every wake-up (tab visible again, network back — a
 * laptop closed mid-answer), and reads the conversation from the API when a stream is gone.
 */
export function connectChatChannel(options: ChatChannelOptions): { stop: () => void } {
  const { chat, conversations } = options;
  const page = options.page ?? document;
  const network = options.network ?? window;
  let listRefresh: ReturnType<typeof setTimeout> | null = null;
  /** New messages the server announced (id → conversation), checked once a burst is over. */
  const created = new Map<string, string>();
  let createdCheck: ReturnType<typeof setTimeout> | null = null;

  /**
   * A message this tab did not write (another device, another tab) is read from the API, where
   * its place among the branches is known, so it shows (and its answer streams) without
   * reopening the conversation. Our own sends are announced before their POST answers: the
   * check waits until no send of ours is in flight.
   */
  const announced = (message: Pick<Message, 'id' | 'conversationId'>) => {
    if (message.conversationId !== chat.conversationId) return;
    created.set(message.id, message.conversationId);
    scheduleCreatedCheck();
  };
  const scheduleCreatedCheck = () => {
    createdCheck ??= setTimeout(() => {
      createdCheck = null;
      if (chat.sending) return scheduleCreatedCheck();
      const unseen = [...created].some(([id, conversationId]) => conversationId === chat.conversationId && !chat.shows(id));
      created.clear();
      if (unseen) void chat.reload().catch(() => {});
    }, CREATED_CHECK_MS);
  };

  const resumeUnfinished = () => {
    for (const resume of chat.unfinishedStreams()) socket.send({ type: 'resume', ...resume });
  };
  const onFrame = (frame: ServerFrame) => {
    if (frame.type === 'entries') {
      const afterSeq = chat.applyEntries(frame.responseId, frame.entries);
      if (afterSeq !== null) socket.send({ type: 'resume', responseId: frame.responseId, afterSeq });
    } else if (frame.type === 'error') {
      if (frame.code === 'STREAM_NOT_FOUND' && frame.responseId) void chat.streamGone(frame.responseId).catch(() => {});
    } else if (frame.type === 'message.updated') {
      const { message } = frame as MessageNotification;
      if (message) chat.applyMessage(message);
    } else if (frame.type === 'message.created') {
      const { message } = frame as MessageNotification;
      if (message) announced(message);
    } else if (frame.type.startsWith('conversation.')) {
      // A hint that the list changed (a title was generated, another device renamed…).
      refreshList();
    }
  };
  /** Reads the list again, once per burst of reasons. */
  const refreshList = () => {
    listRefresh ??= setTimeout(() => {
      listRefresh = null;
      void conversations.load();
    }, 300);
  };
  let readies = 0;
  /**
   * Every `ready` resumes the answers we follow. After the first (a reconnection, or the server
   * saying its subscriptions came back), the notifications sent meanwhile were missed too: the
   * list and the open conversation are read again.
   */
  const onReady = () => {
    resumeUnfinished();
    if (readies++ === 0) return;
    refreshList();
    if (chat.conversationId) void chat.reload().catch(() => {});
  };
  // A conversation just read from the API may hold answers still being written: follow them now, not at the next reconnection.
  const stopWatchingReads = chat.$onAction(({ name, after }) => {
    if (name === 'open' || name === 'reload') after(() => resumeUnfinished());
  });
  const socket = new ChatSocket({ token: options.token, onFrame, onReady, createSocket: options.createSocket, url: options.url });

  const wake = () => {
    // Open already: resume now (duplicates are ignored by seq). Otherwise `ready` will resume.
    if (socket.wake()) resumeUnfinished();
  };
  const onVisibility = () => {
    if (page.visibilityState === 'visible') wake();
  };
  page.addEventListener('visibilitychange', onVisibility);
  network.addEventListener('online', wake);
  socket.start();

  return {
    stop() {
      page.removeEventListener('visibilitychange', onVisibility);
      network.removeEventListener('online', wake);
      stopWatchingReads();
      socket.stop();
      if (listRefresh) clearTimeout(listRefresh);
      if (createdCheck) clearTimeout(createdCheck);
    },
  };
}
