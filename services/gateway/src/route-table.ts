import type { Role } from '@versaai/identity';

/**
 * The edge's whole knowledge of the platform: which path prefix belongs to which service and
 * how the edge treats it. The gateway knows services by name only, never by import. The
 * services enforce the same rules again on their own routes (zero trust); the authorization
 * matrix test checks both against this table.
 */
export type RateLimitClass = 'credentials' | 'standard';

export interface GatewayRoute {
  /** Path prefix; the longest matching prefix wins. */
  prefix: string;
  service: string;
  /**
   * 'public' routes pass without a token (a token that is sent is still verified);
   * 'required' routes need a verified, unrevoked access token.
   */
  auth: 'public' | 'required';
  /** Roles allowed on a 'required' route; absent = any signed-in user. */
  roles?: readonly Role[];
  /** Budget class for the rate limiter: credential endpoints get a much smaller one. */
  rateLimit: RateLimitClass;
  /** Largest accepted request body, bytes. */
  bodyLimit: number;
  /** How long the proxy waits for the upstream's response, ms. */
  timeoutMs: number;
  /**
   * A path outside `/api/<service>` that a public protocol fixes (the OpenAI-compatible `/v1`);
   * the service registers it as a root route.
   */
  root?: true;
  /**
   * Opened by browsers as a WebSocket or EventSource, which cannot send headers: the token may
   * also come as the `versaai.bearer.<token>` subprotocol or the `access_token` query parameter.
   */
  streamToken?: true;
}

/**
 * Requests per client and window, per class. A client is the user or API key of a verified
 * token, else the address. Credential endpoints invite guessing, so theirs is small.
 */
export const rateBudgets: Record<RateLimitClass, { limit: number; windowMs: number }> = {
  credentials: { limit: 10, windowMs: 60_000 },
  standard: { limit: 600, windowMs: 60_000 },
};

const KIB = 1024;

const publicAuth = (prefix: string, rateLimit: RateLimitClass = 'credentials') =>
  ({ prefix: `/api/auth${prefix}`, service: 'auth', auth: 'public', rateLimit, bodyLimit: 4 * KIB, timeoutMs: 10_000 }) as const;

export const routeTable: readonly GatewayRoute[] = [
  // Auth: the routes that prove who you are are public and tightly limited; the rest need a token.
  { prefix: '/api/auth', service: 'auth', auth: 'required', rateLimit: 'standard', bodyLimit: 16 * KIB, timeoutMs: 10_000 },
  publicAuth('/.well-known', 'standard'),
  publicAuth('/register'),
  publicAuth('/login'),
  publicAuth('/refresh', 'standard'),
  publicAuth('/logout', 'standard'),
  publicAuth('/password-reset'),
  publicAuth('/email-verification/confirm'),
  // The gateway itself trades API keys for short-lived tokens here; keys are 256-bit random.
  publicAuth('/api-keys/exchange', 'standard'),
  { prefix: '/api/users', service: 'users', auth: 'required', rateLimit: 'standard', bodyLimit: 64 * KIB, timeoutMs: 5_000 },
  { prefix: '/api/users/admin', service: 'users', auth: 'required', roles: ['admin'], rateLimit: 'standard', bodyLimit: 16 * KIB, timeoutMs: 5_000 },
  // Chat: a message carries up to 100k characters; the WebSocket and SSE endpoints stay open (clients resume by offset after an hour).
  { prefix: '/api/chat', service: 'chat', auth: 'required', rateLimit: 'standard', bodyLimit: 512 * KIB, timeoutMs: 15_000 },
  { prefix: '/api/chat/stream', service: 'chat', auth: 'required', rateLimit: 'standard', bodyLimit: 4 * KIB, timeoutMs: 3_600_000, streamToken: true },
  // A share link is a read-only snapshot anyone holding its unguessable id may read.
  { prefix: '/api/chat/shared', service: 'chat', auth: 'public', rateLimit: 'standard', bodyLimit: 1 * KIB, timeoutMs: 10_000 },
  { prefix: '/api/ai', service: 'ai', auth: 'required', rateLimit: 'standard', bodyLimit: 64 * KIB, timeoutMs: 10_000 },
  { prefix: '/api/ai/admin', service: 'ai', auth: 'required', roles: ['admin'], rateLimit: 'standard', bodyLimit: 64 * KIB, timeoutMs: 10_000 },
  // The OpenAI-compatible API (official SDKs use these paths); streamed answers may take minutes.
  { prefix: '/v1', service: 'ai', auth: 'required', rateLimit: 'standard', bodyLimit: 1024 * KIB, timeoutMs: 600_000, root: true },
];
