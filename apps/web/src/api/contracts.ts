/**
 * The API's shapes, shared with the services as types only: nothing of a service's code is
 * bundled into the web app. Chat's answers come from its own plain-types module; auth's
 * few shapes are written here from docs/identity.md until auth publishes its own.
 */
export type {
  CancelAccepted,
  Conversation,
  ConversationPage,
  ConversationWithPath,
  Message,
  MessageStatus,
  PathMessage,
  SendAccepted,
} from '../../../../services/chat/src/api-types.ts';

export type Role = 'user' | 'admin';

export interface SessionUser {
  id: string;
  email: string;
  role: Role;
}

/** Answer of login and refresh (the refresh token itself travels in the httpOnly cookie). */
export interface SessionTokens {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: SessionUser;
}

/** RFC 9457 problem details as every VersaAI service answers errors. */
export interface ProblemBody {
  type?: string;
  title?: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  requestId?: string;
  retryAfterSeconds?: number;
  reason?: string;
  errors?: { path: string; message: string }[];
}

/** Frames the chat real-time channel sends (docs/realtime.md). */
export type StreamEntryEvent =
  | { type: 'status'; status: 'queued' | 'streaming'; model?: string; provider?: string }
  | { type: 'delta'; text: string }
  | { type: 'reset'; reason?: string }
  | { type: 'end'; status: 'completed' | 'failed' | 'cancelled'; finishReason?: string; errorCode?: string };

export type ServerFrame =
  | { type: 'ready'; heartbeatMs: number }
  | { type: 'entries'; responseId: string; conversationId: string; entries: { seq: number; event: StreamEntryEvent }[] }
  | { type: 'resumed'; responseId: string; conversationId: string; afterSeq: number; lastSeq: number }
  | { type: 'error'; code: string; detail?: string; responseId?: string }
  | { type: 'pong' }
  | { type: 'message.created' | 'message.updated' | 'conversation.created' | 'conversation.updated' | 'conversation.deleted'; conversationId?: string };
