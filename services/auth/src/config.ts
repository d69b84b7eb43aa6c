import { z } from 'zod';
import { ConfigError, envBool, envDurationMs, envInt, envString, envUrl, parseConfig } from '@versaai/kernel';
import { isPostgresUrl } from '@versaai/storage';

/**
 * Settings of auth's core (keys, tokens, login, sessions, throttling), parsed once when auth's
 * routes are mounted: a bad value stops the start with a one-line message naming the variable.
 */
const authConfigSchema = z.object({
  VERSAAI_DATA_DIR: envString({ default: './data' }),
  DATABASE_URL: envString().optional(),
  /** A JSON key file (e.g. a mounted Kubernetes secret); re-read when it changes. */
  AUTH_KEYS_FILE: envString().optional(),
  /** The key file's JSON itself; parsed by the key store so its content never reaches an error message. */
  AUTH_KEYS: envString().optional(),
  // OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
  ARGON2_MEMORY_KIB: envInt({ min: 1024, max: 4_194_304, default: 19_456 }),
  ARGON2_TIME_COST: envInt({ min: 1, max: 32, default: 2 }),
  ARGON2_PARALLELISM: envInt({ min: 1, max: 16, default: 1 }),
  REFRESH_TOKEN_TTL: envDurationMs(30 * 24 * 60 * 60_000).refine((ms) => ms >= 60_000, 'must be at least 1m'),
  AUTH_REFRESH_REUSE_GRACE: envDurationMs(10_000).refine((ms) => ms <= 60_000, 'must be at most 1m'),
  AUTH_LOGIN_FREE_ATTEMPTS: envInt({ min: 1, max: 1_000, default: 3 }),
  AUTH_LOGIN_LOCK_AFTER: envInt({ min: 2, max: 10_000, default: 10 }),
  AUTH_LOGIN_IP_FREE_ATTEMPTS: envInt({ min: 1, max: 100_000, default: 20 }),
  AUTH_LOGIN_IP_LOCK_AFTER: envInt({ min: 2, max: 1_000_000, default: 100 }),
  AUTH_LOGIN_LOCK_DURATION: envDurationMs(15 * 60_000).refine((ms) => ms >= 1_000, 'must be at least 1s'),
  AUTH_LOGIN_FAILURE_WINDOW: envDurationMs(60 * 60_000).refine((ms) => ms >= 1_000, 'must be at least 1s'),
  AUTH_COOKIE_SECURE: envBool().optional(),
  AUTH_TRUST_PROXY: envBool().optional(),
  VERSAAI_PUBLIC_URL: envUrl({ protocols: ['http:', 'https:'] }).optional(),
}).refine((raw) => raw.AUTH_LOGIN_LOCK_AFTER > raw.AUTH_LOGIN_FREE_ATTEMPTS, {
  path: ['AUTH_LOGIN_LOCK_AFTER'], message: 'must be greater than AUTH_LOGIN_FREE_ATTEMPTS',
}).refine((raw) => raw.AUTH_LOGIN_IP_LOCK_AFTER > raw.AUTH_LOGIN_IP_FREE_ATTEMPTS, {
  path: ['AUTH_LOGIN_IP_LOCK_AFTER'], message: 'must be greater than AUTH_LOGIN_IP_FREE_ATTEMPTS',
});

export interface ThrottleRule {
  /** Failures answered at once; each further one doubles the wait (1 s, 2 s, 4 s, …). */
  freeAttempts: number;
  /** At this many failures the key is locked for lockMs. */
  lockAfter: number;
  lockMs: number;
  /** Failures older than this (counted from the last one) are forgotten. */
  windowMs: number;
}

export interface AuthConfig {
  /** PostgreSQL: several replicas, keys must be provided; else one all-in-one process. */
  distributed: boolean;
  keys: {
    /** Path of the key file; undefined when AUTH_KEYS carries the JSON. */
    file: string | undefined;
    inline: string | undefined;
    /** All-in-one only: write a fresh key file when none exists. */
    generateIfMissing: boolean;
  };
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  refreshTokenTtlMs: number;
  /** A rotated refresh token presented again this soon gets a new token instead of ending the session; 0: never. */
  refreshReuseGraceMs: number;
  throttle: { account: ThrottleRule; ip: ThrottleRule };
  cookieSecure: boolean;
  /** Take the client address from X-Forwarded-For (set by the gateway in front of this process). */
  trustProxy: boolean;
}

export const DEFAULT_KEY_FILE_NAME = 'auth-keys.json';

/**
 * `distributed`: whether auth's database is PostgreSQL (several replicas possible); the
 * running service passes what it actually opened, the default reads DATABASE_URL.
 */
export function parseAuthConfig(env: NodeJS.ProcessEnv = process.env, opts: { distributed?: boolean } = {}): AuthConfig {
  const raw = parseConfig(authConfigSchema, env);
  const distributed = opts.distributed ?? isPostgresUrl(raw.DATABASE_URL);
  const explicitFile = raw.AUTH_KEYS_FILE;
  if (distributed && explicitFile === undefined && raw.AUTH_KEYS === undefined) {
    // Replicas must share one key set, and a key generated inside a pod dies with it.
    throw new ConfigError([{
      variable: 'AUTH_KEYS_FILE',
      problem: 'is required with a PostgreSQL DATABASE_URL (distributed): mount the signing key file (`versaai auth rotate-keys --file <path>` creates one) or put its JSON in AUTH_KEYS',
    }]);
  }
  return {
    distributed,
    keys: {
      file: explicitFile ?? (raw.AUTH_KEYS ? undefined : `${raw.VERSAAI_DATA_DIR.replace(/\/+$/, '')}/${DEFAULT_KEY_FILE_NAME}`),
      inline: explicitFile ? undefined : raw.AUTH_KEYS,
      generateIfMissing: !distributed && explicitFile === undefined && raw.AUTH_KEYS === undefined,
    },
    argon2: { memoryCost: raw.ARGON2_MEMORY_KIB, timeCost: raw.ARGON2_TIME_COST, parallelism: raw.ARGON2_PARALLELISM },
    refreshTokenTtlMs: raw.REFRESH_TOKEN_TTL,
    refreshReuseGraceMs: raw.AUTH_REFRESH_REUSE_GRACE,
    throttle: {
      account: { freeAttempts: raw.AUTH_LOGIN_FREE_ATTEMPTS, lockAfter: raw.AUTH_LOGIN_LOCK_AFTER, lockMs: raw.AUTH_LOGIN_LOCK_DURATION, windowMs: raw.AUTH_LOGIN_FAILURE_WINDOW },
      ip: { freeAttempts: raw.AUTH_LOGIN_IP_FREE_ATTEMPTS, lockAfter: raw.AUTH_LOGIN_IP_LOCK_AFTER, lockMs: raw.AUTH_LOGIN_LOCK_DURATION, windowMs: raw.AUTH_LOGIN_FAILURE_WINDOW },
    },
    // Browsers keep Secure cookies off plain HTTP; the all-in-one developer setup is http://localhost.
    cookieSecure: raw.AUTH_COOKIE_SECURE ?? (distributed || (raw.VERSAAI_PUBLIC_URL?.startsWith('https:') ?? false)),
    trustProxy: raw.AUTH_TRUST_PROXY ?? distributed,
  };
}
