import { jsonRequest } from './chat-http.ts';
import { nowMs } from './stats.ts';

/**
 * The chat API as a client uses it (docs/chat.md), through the gateway with a bearer token.
 * Only what the chat-flow bench needs: conversations, sending, reading the stored answer.
 */
export interface SendTiming {
  responseId: string;
  conversationId: string;
  /** nowMs() just before the POST left this process. */
  sentAt: number;
  /** nowMs() when its 202 arrived (the first delta may come earlier on the socket). */
  acceptedAt: number;
}

export interface StoredMessage { id: string; role: string; content: string; status: string; errorCode: string | null }

function failure(what: string, status: number, body: unknown): Error {
  return new Error(`${what} answered ${status}: ${JSON.stringify(body)}`);
}

export class ChatApi {
  private readonly headers: Record<string, string>;

  constructor(private readonly gatewayUrl: string, token: string) {
    this.headers = { authorization: `Bearer ${token}` };
  }

  /**
   * A conversation with a title of its own, so the AI service does not generate one: the
   * benches measure answers, and a title call per new conversation would add a second
   * upstream call to the first answer only.
   */
  async createConversation(title: string): Promise<string> {
    const response = await jsonRequest(`${this.gatewayUrl}/api/chat/conversations`, { method: 'POST', body: { title }, headers: this.headers });
    const id = response.body?.id;
    if (response.status !== 201 || typeof id !== 'string') throw failure('POST /api/chat/conversations', response.status, response.body);
    return id;
  }

  async send(conversationId: string, content: string): Promise<SendTiming> {
    const sentAt = nowMs();
    const response = await jsonRequest(`${this.gatewayUrl}/api/chat/conversations/${conversationId}/messages`, { method: 'POST', body: { content }, headers: this.headers });
    const acceptedAt = nowMs();
    const responseId = response.body?.responseId;
    if (response.status !== 202 || typeof responseId !== 'string') throw failure(`POST /api/chat/conversations/${conversationId}/messages`, response.status, response.body);
    return { responseId, conversationId, sentAt, acceptedAt };
  }

  /** The active path's newest page (every message of a short conversation). */
  async messages(conversationId: string): Promise<StoredMessage[]> {
    const response = await jsonRequest(`${this.gatewayUrl}/api/chat/conversations/${conversationId}?limit=100`, { method: 'GET', headers: this.headers });
    const messages = response.body?.messages;
    if (response.status !== 200 || !Array.isArray(messages)) throw failure(`GET /api/chat/conversations/${conversationId}`, response.status, response.body);
    return messages as StoredMessage[];
  }
}
