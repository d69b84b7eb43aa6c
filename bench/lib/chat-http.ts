import { Agent, request } from 'undici';

/**
 * The bench's HTTP client (undici, keep-alive). API calls share a bounded pool per origin, as
 * a handful of clients would: a burst of 1,000 sends queues here instead of opening 1,000
 * connections at once (their SYNs overflow a Node server's 511-entry listen backlog and the
 * retransmissions outlast connect timeouts on a loaded machine). Streams to the fake LLM hold
 * a connection each, like the AI service's provider pool: that pool is unbounded, with a long
 * connect timeout for the same reason.
 */
const API_CONNECTIONS = 64;
const CONNECT_TIMEOUT_MS = 60_000;

export const apiAgent = new Agent({ connections: API_CONNECTIONS, connect: { timeout: CONNECT_TIMEOUT_MS }, pipelining: 1 });
export const streamAgent = new Agent({ connect: { timeout: CONNECT_TIMEOUT_MS }, pipelining: 1 });

export interface JsonAnswer { status: number; body: Record<string, unknown> | undefined }

export async function jsonRequest(url: string, init: { method: 'GET' | 'POST'; body?: unknown; headers?: Record<string, string> }): Promise<JsonAnswer> {
  const response = await request(url, {
    method: init.method,
    dispatcher: apiAgent,
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/** An error's message with its cause (undici's "fetch failed"-style errors hide the reason there). */
export function describeError(error: unknown): string {
  const { message, cause } = error as Error & { cause?: Error & { code?: string } };
  return cause ? `${message} (${cause.code ?? ''} ${cause.message})` : message;
}
