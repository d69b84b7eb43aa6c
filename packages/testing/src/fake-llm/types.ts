import type { IncomingHttpHeaders } from 'node:http';

/** Which provider's wire format to imitate where OpenAI and Groq differ. */
export type FakeLlmFlavor = 'openai' | 'groq';

/**
 * What the fake model answers. Every field is optional; unset fields fall back to the server's
 * default script, then to the built-in defaults (reply derived from the last user message,
 * no delays).
 */
export interface FakeLlmScript {
  /** The reply; split into word tokens (`"Hello there"` → `"Hello"`, `" there"`). */
  text?: string;
  /** The reply as explicit tokens, streamed one chunk each. Wins over `text`. */
  tokens?: readonly string[];
  /** Exactly this many tokens: the reply's tokens are repeated (or cut) to this length. */
  tokenCount?: number;
  /** Pause between two tokens, in ms (0 = all at once). */
  tokenDelayMs?: number;
  /** Pause before the first token (time to first token), in ms. */
  firstTokenDelayMs?: number;
}

/** An HTTP error answer in OpenAI's error shape. */
export interface FakeLlmErrorFailure {
  status: number;
  /** Sets the `retry-after` header (seconds), as OpenAI and Groq do on 429. */
  retryAfterSeconds?: number;
  message?: string;
  type?: string;
  code?: string | null;
}

/** Streams N tokens (after the role chunk), then sends nothing and keeps the connection open. */
export interface FakeLlmStallFailure { stallAfterTokens: number }

/** Streams N tokens, then destroys the socket (no [DONE], no final chunk). */
export interface FakeLlmDropFailure { dropAfterTokens: number }

export type FakeLlmFailure = FakeLlmErrorFailure | FakeLlmStallFailure | FakeLlmDropFailure;

/** How a recorded request ended, seen from the server. */
export type FakeLlmOutcome =
  | 'pending' // still being answered
  | 'completed' // the whole response was written
  | 'aborted' // the client closed the connection before the response was finished
  | 'dropped' // the server destroyed the socket on purpose (dropAfterTokens)
  | 'closed'; // the server was closed while the response was still open

export interface FakeLlmRequest {
  /** 1, 2, 3… in arrival order. */
  seq: number;
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when there was none or it was not JSON). */
  body: unknown;
  receivedAt: Date;
  /** The model the body asked for, when it named one. */
  model: string | undefined;
  stream: boolean;
  /** The HTTP status sent (undefined until headers are written, or if none ever are). */
  status: number | undefined;
  /** Content tokens written so far. */
  tokensSent: number;
  outcome: FakeLlmOutcome;
  /** True when the client closed the connection before the response finished. */
  aborted: boolean;
  finishedAt: Date | undefined;
  /** Resolves once the outcome is final (completed, aborted, dropped or closed). */
  settled: Promise<FakeLlmOutcome>;
}

export interface FakeLlmOptions {
  /** When set, every request must carry `Authorization: Bearer <apiKey>` (else 401). */
  apiKey?: string;
  /** Default 'openai'. 'groq' reports streamed usage in `x_groq.usage` and serves `llm.url` under `/openai/v1`. */
  flavor?: FakeLlmFlavor;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (the OS picks a free port). */
  port?: number;
  /** Models listed by GET /v1/models. Requests may still name any model. */
  models?: readonly string[];
  /** The default script (a later `llm.script()` replaces it). */
  script?: FakeLlmScript;
  /**
   * Default true. False keeps no request records (`requests` stays empty, `waitForRequests`
   * rejects), so a long benchmark run does not grow memory; `requestCount` still counts.
   */
  recordRequests?: boolean;
}

export interface FakeLlm {
  /** Base URL for SDKs: `http://host:port/v1` (openai) or `http://host:port/openai/v1` (groq). */
  readonly url: string;
  /** `http://host:port`. */
  readonly origin: string;
  readonly port: number;
  readonly flavor: FakeLlmFlavor;
  /** Every request received (any path), in arrival order. */
  readonly requests: readonly FakeLlmRequest[];
  /** Requests received since the start (not cleared by reset()). */
  readonly requestCount: number;
  /** Responses currently open (streaming or waiting). */
  readonly openResponses: number;
  /** Replaces the default script for every model without a model script. */
  script(script: FakeLlmScript): void;
  /** Gives one model its own behaviour: a script, or a failure on every request. `null` removes it. */
  scriptModel(model: string, behaviour: FakeLlmScript | FakeLlmFailure | null): void;
  /** The next `times` (default 1) chat-completion requests get this failure, in queue order. */
  failNext(failure: FakeLlmFailure, times?: number): void;
  /** Resolves with the first n requests once that many have arrived. */
  waitForRequests(n: number, options?: { timeoutMs?: number }): Promise<FakeLlmRequest[]>;
  /** Replaces the list GET /models answers from now on (as when a model is pulled or removed upstream). */
  setModels(models: readonly string[]): void;
  /** GET /models answers this raw body (default status 200) until `null`, setModels() or reset(). */
  answerModels(answer: { status?: number; body: string } | null): void;
  /** Forgets requests, queued failures, model scripts, the script and model list changes (back to the start options). */
  reset(): void;
  /** Stops listening and destroys open connections. */
  close(): Promise<void>;
}
