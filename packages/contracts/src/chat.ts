/**
 * The shapes the chat API answers with, for the web app. Plain types only: no server code,
 * so a client can import this file alone.
 */

export type MessageRole = 'user' | 'assistant' | 'system';
/** `pending`/`streaming` until the AI service answers; then exactly one final state. */
export type MessageStatus = 'completed' | 'pending' | 'streaming' | 'failed' | 'cancelled';
export const FINAL_MESSAGE_STATUSES = ['completed', 'failed', 'cancelled'] as const;
export const UNFINISHED_MESSAGE_STATUSES = ['pending', 'streaming'] as const;

export interface Conversation {
  id: string;
  title: string | null;
  /** 'user' once the user named it (a generated title never replaces it), 'auto' when generated. */
  titleSource: 'auto' | 'user' | null;
  pinned: boolean;
  archived: boolean;
  /** The last message of the branch the user is on. */
  activeLeafId: string | null;
  createdAt: string;
  updatedAt: string;
  lastMessageAt: string;
}

export interface Message {
  id: string;
  conversationId: string;
  parentId: string | null;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  /** Why an answer failed (AI_NO_PROGRESS, AI_IDLE_TIMEOUT, …); null otherwise. */
  errorCode: string | null;
  model: string | null;
  provider: string | null;
  usage: { promptTokens: number; completionTokens: number };
  costUsd: number;
  finishReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A message of the active path, with its place among the alternatives (edits, regenerations) at its position. */
export interface PathMessage extends Message {
  siblingCount: number;
  /** 0-based, oldest sibling first. */
  siblingIndex: number;
  /** Every sibling's id (this one included), oldest first: PUT active-branch with one of them switches branch. */
  siblingIds: string[];
}

export interface ConversationPage {
  items: Conversation[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

export interface ConversationWithPath {
  conversation: Conversation;
  /** A page of the active path, oldest first, ending at the newest message (or just before `before`). */
  messages: PathMessage[];
  /** Pass as `before` for the older page; null when the page reaches the first message. */
  nextCursor: string | null;
}

/** Answer of send, edit and regenerate (202): the answer arrives on the response stream and in ai.response.generated. */
export interface SendAccepted {
  conversationId: string;
  /** The user's message (for regenerate: the question being answered again). */
  messageId: string;
  /** The pending assistant message. */
  responseId: string;
}

export interface CancelAccepted {
  responseId: string;
  /** False when the answer had already ended: nothing to stop. */
  cancelRequested: boolean;
  status: MessageStatus;
}

/** What chat tells every device of the user when something of theirs changes (a hint to refresh, never the only copy). */
export type ChatCoreNotification =
  | { type: 'conversation.created' | 'conversation.updated'; conversation: Conversation }
  | { type: 'conversation.deleted'; conversationId: string }
  /** A new question or pending answer, and an answer's final state. */
  | { type: 'message.created' | 'message.updated'; conversationId: string; message: Message };

export type ChatNotificationType = ChatCoreNotification['type'];

export const LIMITS = {
  messageContent: 100_000,
  title: 200,
  model: 200,
  pageSize: 100,
  pathPageSize: 200,
  /** Turns of the active path sent to the AI service with a new message. */
  historyTurns: 200,
} as const;
