/**
 * The edge's whole knowledge of the platform: which path prefix belongs to which service and
 * how the edge treats it. The gateway knows services by name only, never by import.
 */
export type RateLimitClass = 'credentials' | 'standard';

export interface GatewayRoute {
  /** Path prefix; the longest matching prefix wins. */
  prefix: string;
  service: string;
  /** 'public' routes pass without a token; 'required' routes need a verified access token. */
  auth: 'public' | 'required';
  /** Budget class for the rate limiter: credential endpoints get a much smaller one. */
  rateLimit: RateLimitClass;
  /** Largest accepted request body, bytes. */
  bodyLimit: number;
  /** How long the proxy waits for the upstream's response, ms. */
  timeoutMs: number;
}

/** Requests per client address and window, per class. Credential endpoints invite guessing, so theirs is small. */
export const rateBudgets: Record<RateLimitClass, { limit: number; windowMs: number }> = {
  credentials: { limit: 10, windowMs: 60_000 },
  standard: { limit: 600, windowMs: 60_000 },
};

const KIB = 1024;

export const routeTable: readonly GatewayRoute[] = [
  { prefix: '/api/auth/register', service: 'auth', auth: 'public', rateLimit: 'credentials', bodyLimit: 4 * KIB, timeoutMs: 10_000 },
  { prefix: '/api/auth', service: 'auth', auth: 'public', rateLimit: 'standard', bodyLimit: 16 * KIB, timeoutMs: 10_000 },
  // Public only while the skeleton has no tokens; the identity issue turns it to 'required'.
  { prefix: '/api/users', service: 'users', auth: 'public', rateLimit: 'standard', bodyLimit: 64 * KIB, timeoutMs: 5_000 },
];
