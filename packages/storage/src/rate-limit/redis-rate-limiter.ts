import { Redis } from 'ioredis';
import { emissionIntervalUs, gcraWindowUs } from './gcra.ts';
import { redisScript } from '../redis-script.ts';
import { GCRA_SCRIPT } from './gcra-script.ts';
import { assertValidRule, type RateLimiter, type RateLimitResult } from './rate-limiter.ts';

export interface RedisRateLimiterOptions {
  /** A Redis URL (the limiter opens and closes its own connection) or a client owned by the caller. */
  url?: string;
  client?: Redis;
  /** Every key is `<prefix><key>`. */
  prefix: string;
  /** Longest wait for a connection, ms (own connection only). */
  connectTimeoutMs?: number;
  /** Longest wait for one answer, including while Redis is unreachable, ms (own connection only). */
  commandTimeoutMs?: number;
}

function ownClient(url: string, opts: RedisRateLimiterOptions): Redis {
  const client = new Redis(url, {
    connectTimeout: opts.connectTimeoutMs ?? 2_000,
    // A limiter that waits on a dead Redis stalls every request at the edge: answers are
    // bounded in time and a request is not retried across reconnects.
    commandTimeout: opts.commandTimeoutMs ?? 1_000,
    maxRetriesPerRequest: 1,
    // Every request at the edge sends a command: those issued in the same tick go out in one
    // write (one syscall) instead of one each, which is most of their cost under load.
    enableAutoPipelining: true,
  });
  // Failures surface on the commands; an unhandled 'error' event would crash the process.
  client.on('error', () => {});
  return client;
}

/**
 * GCRA shared by every process that uses the same Redis and prefix: the counters of several
 * gateway replicas are one counter, so a limit is not multiplied by the replica count.
 */
const gcra = redisScript(GCRA_SCRIPT);

export function createRedisRateLimiter(opts: RedisRateLimiterOptions): RateLimiter {
  if (!opts.client && !opts.url) throw new Error('createRedisRateLimiter needs a url or a client');
  const owned = !opts.client;
  const client = opts.client ?? ownClient(opts.url!, opts);

  const run = (key: string, args: number[]): Promise<unknown> => gcra(client, 1, key, ...args);

  return {
    // A promise chain rather than an async function: one promise less on every request at the edge.
    take(key, rule): Promise<RateLimitResult> {
      try {
        assertValidRule(rule);
      } catch (error) {
        return Promise.reject(error);
      }
      return run(`${opts.prefix}${key}`, [rule.limit, gcraWindowUs(rule), emissionIntervalUs(rule)]).then((reply) => {
        const [allowed, remaining, resetUs, retryAfterUs] = reply as [number, number, number, number];
        return {
          allowed: Number(allowed) === 1,
          limit: rule.limit,
          remaining: Number(remaining),
          resetMs: Math.ceil(Number(resetUs) / 1000),
          retryAfterMs: Math.ceil(Number(retryAfterUs) / 1000),
        };
      });
    },
    async close() {
      if (owned) await client.quit().catch(() => client.disconnect());
    },
  };
}
