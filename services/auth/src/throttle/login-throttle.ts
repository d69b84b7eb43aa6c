import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { ThrottleRule } from '../config.ts';

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ThrottleKey {
  key: string;
  rule: ThrottleRule;
}

/**
 * The account key is a hash of the normalised e-mail: it is throttled whether or not the
 * account exists (so a 429 tells nothing), and no address typed by a stranger is stored.
 */
export function accountKey(rule: ThrottleRule, email: string): ThrottleKey {
  return { key: `acct:${createHash('sha256').update(email, 'utf8').digest('hex')}`, rule };
}

export function ipKey(rule: ThrottleRule, ip: string): ThrottleKey {
  return { key: `ip:${ip}`, rule };
}

/** How long a key is refused after its `failures`-th failure in a row: none, then 1 s, 2 s, 4 s, …, then the lock. */
export function blockMs(failures: number, rule: ThrottleRule): number {
  if (failures >= rule.lockAfter) return rule.lockMs;
  if (failures <= rule.freeAttempts) return 0;
  return Math.min(1000 * 2 ** (failures - rule.freeAttempts - 1), rule.lockMs);
}

export interface LoginThrottle {
  /** Milliseconds the caller must still wait (0: go ahead), the longest over the keys. */
  retryAfterMs(keys: ThrottleKey[]): Promise<number>;
  recordFailure(keys: ThrottleKey[]): Promise<void>;
  reset(key: ThrottleKey): Promise<void>;
}

/**
 * Failed-login counters in auth's database, shared by every replica. A failure is one atomic
 * upsert (the count restarts when the last failure is older than the rule's window); the block
 * is then written for exactly that count, so concurrent failures cannot lower it.
 */
export function createLoginThrottle(db: Db, opts: { now?: () => number; pruneIntervalMs?: number } = {}): LoginThrottle {
  const now = opts.now ?? Date.now;
  const pruneIntervalMs = opts.pruneIntervalMs ?? 60_000;
  let lastPrune = 0;

  async function prune(nowMs: number, keys: ThrottleKey[]): Promise<void> {
    if (nowMs - lastPrune < pruneIntervalMs) return;
    lastPrune = nowMs;
    const windowMs = Math.max(...keys.map(({ rule }) => rule.windowMs));
    await db.deleteFrom('login_attempts').where('last_failure_at', '<', nowMs - windowMs).where('blocked_until', '<', nowMs).execute();
  }

  return {
    async retryAfterMs(keys) {
      if (keys.length === 0) return 0;
      const rows = await db.selectFrom('login_attempts').select('blocked_until').where('key', 'in', keys.map(({ key }) => key)).execute();
      const until = Math.max(0, ...rows.map((row) => Number(row.blocked_until)));
      return Math.max(0, until - now());
    },
    async recordFailure(keys) {
      const nowMs = now();
      for (const { key, rule } of keys) {
        const row = await db.insertInto('login_attempts')
          .values({ key, failures: 1, last_failure_at: nowMs, blocked_until: nowMs + blockMs(1, rule) })
          .onConflict((conflict) => conflict.column('key').doUpdateSet({
            failures: sql`CASE WHEN login_attempts.last_failure_at < ${nowMs - rule.windowMs} THEN 1 ELSE login_attempts.failures + 1 END`,
            last_failure_at: nowMs,
          }))
          .returning('failures')
          .executeTakeFirstOrThrow();
        const failures = Number(row.failures);
        await db.updateTable('login_attempts').set({ blocked_until: nowMs + blockMs(failures, rule) })
          .where('key', '=', key).where('failures', '=', failures).execute();
      }
      await prune(nowMs, keys);
    },
    async reset({ key }) {
      await db.deleteFrom('login_attempts').where('key', '=', key).execute();
    },
  };
}
