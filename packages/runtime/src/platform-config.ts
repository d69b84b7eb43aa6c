import { z } from 'zod';
import { ConfigError, envDurationMs, envEnum, envInt, envPositiveInt, envString, envUrl, parseConfig } from '@versaai/kernel';
import { isPostgresUrl, type RateLimitRule } from '@versaai/storage';
import { envRateLimitRule } from './rate-limits.ts';
import { parseUpstreams, type Upstreams } from './upstreams.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const upstreamsSchema = z.string().optional().transform((raw, ctx): Upstreams | undefined => {
  if (raw === undefined || raw.trim() === '') return undefined;
  const parsed = parseUpstreams(raw);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }
  return parsed;
});

/** Settings of the platform process itself; each service adds its own schema for its own settings. */
export const platformConfigSchema = z.object({
  // 0 asks the OS for a free port (tests); deployments set a real one.
  PORT: envInt({ min: 0, max: 65_535, default: 8080 }),
  HOST: envString({ default: '0.0.0.0' }),
  VERSAAI_DATA_DIR: envString({ default: './data' }),
  DATABASE_URL: envString().optional(),
  REDIS_URL: envUrl({ protocols: ['redis:', 'rediss:'] }).optional(),
  VERSAAI_REDIS_PREFIX: envString({ default: 'versaai:' }),
  LOG_LEVEL: envEnum(LOG_LEVELS, 'info'),
  SHUTDOWN_DEADLINE_MS: envDurationMs(10_000),
  BUS_MAX_DELIVERIES: envPositiveInt(5),
  BUS_RECLAIM_IDLE_MS: envDurationMs(30_000),
  BUS_BLOCK_MS: envDurationMs(5_000),
  BUS_HOUSEKEEPING_INTERVAL_MS: envDurationMs(60_000).refine((ms) => ms >= 1_000, 'must be at least 1s'),
  BUS_RETENTION_MS: envDurationMs(60 * 60_000),
  BUS_LIVE_GROUP_IDLE_MS: envDurationMs(7 * 24 * 60 * 60_000),
  BUS_INBOX_RETENTION_MS: envDurationMs(7 * 24 * 60 * 60_000),
  VERSAAI_UPSTREAMS: upstreamsSchema,
  RATE_LIMIT_CREDENTIALS: envRateLimitRule(),
  RATE_LIMIT_STANDARD: envRateLimitRule(),
  // Every signer and verifier must agree on these; auth writes them, everyone else checks them.
  AUTH_ISSUER: envString({ default: 'versaai' }),
  AUTH_AUDIENCE: envString({ default: 'versaai-api' }),
  /** Where verifiers fetch auth's public keys; default: auth in this process, else auth's first upstream. */
  AUTH_JWKS_URL: envUrl({ protocols: ['http:', 'https:'] }).optional(),
  /** How long a response's streamed entries stay readable for clients that reconnect (after its last append). */
  RESPONSE_STREAM_RETENTION_MS: envDurationMs(15 * 60_000).refine((ms) => ms >= 1_000, 'must be at least 1s'),
});

export interface PlatformConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  redisPrefix: string;
  logLevel: (typeof LOG_LEVELS)[number];
  shutdownDeadlineMs: number;
  bus: {
    maxDeliveries: number;
    reclaimIdleMs: number;
    blockMs: number;
    housekeepingIntervalMs: number;
    /** Consumed entries younger than this stay in the streams (new groups start from them). */
    retentionMs: number;
    /** A group whose consumers were all silent this long no longer holds entries back from trimming. */
    liveGroupIdleMs: number;
    inboxRetentionMs: number;
  };
  upstreams: Upstreams;
  /** Gateway budget overrides by rate-limit class; a class not listed keeps the route table's budget. */
  rateLimits: Record<string, RateLimitRule>;
  tokens: {
    issuer: string;
    audience: string;
    jwksUrl: string | undefined;
  };
  responseStreams: { retentionMs: number };
}

export interface PlatformConfigOptions {
  /** True when this process is one of several (`--service` given): the embedded bus cannot connect them. */
  separateProcesses?: boolean;
}

export function parsePlatformConfig(env: NodeJS.ProcessEnv = process.env, opts: PlatformConfigOptions = {}): PlatformConfig {
  const raw = parseConfig(platformConfigSchema, env);
  if (opts.separateProcesses && isPostgresUrl(raw.DATABASE_URL) && !raw.REDIS_URL) {
    throw new ConfigError([{
      variable: null,
      problem: 'REDIS_URL is required when services run as separate processes (--service) with PostgreSQL: the embedded bus only works inside one process',
    }]);
  }
  return {
    port: raw.PORT,
    host: raw.HOST,
    dataDir: raw.VERSAAI_DATA_DIR,
    databaseUrl: raw.DATABASE_URL,
    redisUrl: raw.REDIS_URL,
    redisPrefix: raw.VERSAAI_REDIS_PREFIX,
    logLevel: raw.LOG_LEVEL,
    shutdownDeadlineMs: raw.SHUTDOWN_DEADLINE_MS,
    bus: {
      maxDeliveries: raw.BUS_MAX_DELIVERIES,
      reclaimIdleMs: raw.BUS_RECLAIM_IDLE_MS,
      blockMs: raw.BUS_BLOCK_MS,
      housekeepingIntervalMs: raw.BUS_HOUSEKEEPING_INTERVAL_MS,
      retentionMs: raw.BUS_RETENTION_MS,
      liveGroupIdleMs: raw.BUS_LIVE_GROUP_IDLE_MS,
      inboxRetentionMs: raw.BUS_INBOX_RETENTION_MS,
    },
    upstreams: raw.VERSAAI_UPSTREAMS ?? {},
    rateLimits: {
      ...(raw.RATE_LIMIT_CREDENTIALS ? { credentials: raw.RATE_LIMIT_CREDENTIALS } : {}),
      ...(raw.RATE_LIMIT_STANDARD ? { standard: raw.RATE_LIMIT_STANDARD } : {}),
    },
    tokens: { issuer: raw.AUTH_ISSUER, audience: raw.AUTH_AUDIENCE, jwksUrl: raw.AUTH_JWKS_URL },
    responseStreams: { retentionMs: raw.RESPONSE_STREAM_RETENTION_MS },
  };
}
