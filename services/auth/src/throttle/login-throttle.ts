import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
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
  return { key: accountKeyId(email), rule };
}

/** The stored key of an account's counter (the e-mail normalised by the caller). */
export function accountKeyId(email: string): string {
  return `acct:${createHash('sha256').update(email, 'utf8').digest('hex')}`;
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

/** `blockMs` as SQL over a count expression: a CASE with one branch per back-off step (they reach the lock within a few dozen). */
function blockedUntilSql(count: RawBuilder<number>, nowMs: number, rule: ThrottleRule): RawBuilder<number> {
  const steps: Array<RawBuilder<unknown>> = [];
  for (let n = rule.freeAttempts + 1; n < rule.lockAfter; n++) {
    const ms = blockMs(n, rule);
    if (ms >= rule.lockMs) break;
    steps.push(sql`WHEN ${count} = ${n} THEN CAST(${nowMs + ms} AS bigint)`);
  }
  return sql<number>`CASE WHEN ${count} <= ${rule.freeAttempts} THEN CAST(${nowMs} AS bigint) ${sql.join(steps, sql` `)} ELSE CAST(${nowMs + rule.lockMs} AS bigint) END`;
}

export interface ThrottleCheck {
  /** Milliseconds the caller must still wait (0: go ahead), the longest over the keys. */
  waitMs: number;
  /** Failures counted per key right now (0 when forgotten). */
  failures: Map<string, number>;
}

export interface LoginThrottle {
  check(keys: ThrottleKey[]): Promise<ThrottleCheck>;
  /**
   * Counts this attempt as a failure before the password is verified (a success takes it back).
   * Returns how long to wait instead of verifying: a burst of parallel guesses all pass
   * `check`, but each reservation gets its own count, and beyond the free attempts only the one
   * right after the count seen at `check` may go on. Concurrent guesses are thus held to what
   * sequential ones get.
   */
  reserve(keys: ThrottleKey[], seen: ThrottleCheck): Promise<number>;
  /** The password was right: the account starts afresh, the address gets its attempt back. */
  succeeded(account: ThrottleKey, address: ThrottleKey): Promise<void>;
}

/**
 * Failed-login counters in auth's database, shared by every replica. A reservation is one
 * atomic upsert of the count (restarted when the last failure is older than the rule's window)
 * and the block that count earns.
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

  async function block(key: string, failures: number, until: number): Promise<void> {
    await db.updateTable('login_attempts').set({ blocked_until: until }).where('key', '=', key).where('failures', '=', failures).execute();
  }

  return {
    async check(keys) {
      const nowMs = now();
      const rows = await db.selectFrom('login_attempts').select(['key', 'failures', 'last_failure_at', 'blocked_until'])
        .where('key', 'in', keys.map(({ key }) => key)).execute();
      const failures = new Map<string, number>();
      let until = 0;
      for (const row of rows) {
        const rule = keys.find(({ key }) => key === row.key)!.rule;
        failures.set(row.key as string, Number(row.last_failure_at) < nowMs - rule.windowMs ? 0 : Number(row.failures));
        until = Math.max(until, Number(row.blocked_until));
      }
      return { waitMs: Math.max(0, until - nowMs), failures };
    },
    async reserve(keys, seen) {
      const nowMs = now();
      let waitMs = 0;
      for (const { key, rule } of keys) {
        // The count and its block change in one statement: whoever looks next sees both.
        const count = sql<number>`CASE WHEN login_attempts.last_failure_at < ${nowMs - rule.windowMs} THEN 1 ELSE login_attempts.failures + 1 END`;
        const row = await db.insertInto('login_attempts')
          .values({ key, failures: 1, last_failure_at: nowMs, blocked_until: nowMs + blockMs(1, rule) })
          .onConflict((conflict) => conflict.column('key').doUpdateSet({
            failures: count,
            last_failure_at: nowMs,
            blocked_until: blockedUntilSql(count, nowMs, rule),
          }))
          .returning('failures')
          .executeTakeFirstOrThrow();
        const failures = Number(row.failures);
        const inTurn = failures <= rule.freeAttempts || failures === (seen.failures.get(key) ?? 0) + 1;
        if (!inTurn) waitMs = Math.max(waitMs, blockMs(failures, rule), 1_000);
      }
      await prune(nowMs, keys);
      return waitMs;
    },
    async succeeded(account, address) {
      const nowMs = now();
      await db.deleteFrom('login_attempts').where('key', '=', account.key).execute();
      const row = await db.updateTable('login_attempts').set({ failures: sql`failures - 1` })
        .where('key', '=', address.key).where('failures', '>', 0).returning('failures').executeTakeFirst();
      if (row) {
        const failures = Number(row.failures);
        await block(address.key, failures, failures > address.rule.freeAttempts ? nowMs + blockMs(failures, address.rule) : 0);
      }
    },
  };
}
