import { sqliteChangeStampNow, type SqliteChangeStamp } from './direct-sqlite-reads.ts';

interface Entry<Value> { stamp: SqliteChangeStamp; value: Value }

export interface SnapshotCache<Key, Value> {
  /**
   * The value `read` gave for `key` while the database was exactly as it is now; otherwise
   * `read`'s new answer, kept. Undefined when the database cannot tell now whether it changed
   * (PostgreSQL, a transaction open on the SQLite connection) or when `read` returns undefined:
   * the caller then reads the ordinary way, and nothing is kept.
   */
  now(db: object, key: Key, read: () => Value | undefined): Value | undefined;
}

/**
 * Values read from a SQLite database, kept in this process until any row of that database
 * changes: the stamp (see SqliteChangeStamp) is compared on every use, so a write by this
 * process, by another connection or by another process on the same file (the CLI, a replica)
 * is seen by the next read, as without the cache. Coarse on purpose: one changed row drops every
 * entry of the database, and no write path has to remember to invalidate anything. Worth it for
 * a read on every request of a signed-in user when writes are rare (the stamp costs about half
 * a two-table indexed lookup). Values are shared between callers: keep them immutable.
 * At most `maxEntries` per database, the oldest dropped first.
 */
export function snapshotCache<Key, Value>(opts: { maxEntries: number }): SnapshotCache<Key, Value> {
  const entriesOf = new WeakMap<object, Map<Key, Entry<Value>>>();
  return {
    now(db, key, read) {
      const stamp = sqliteChangeStampNow(db);
      if (!stamp) return undefined;
      let entries = entriesOf.get(db);
      const known = entries?.get(key);
      if (known && known.stamp.dataVersion === stamp.dataVersion && known.stamp.totalChanges === stamp.totalChanges) return known.value;
      // Read after the stamp: a commit in between makes the entry look older than it is (a miss next time), never newer.
      const value = read();
      if (value === undefined) return undefined;
      if (!entries) entriesOf.set(db, entries = new Map());
      entries.delete(key);
      if (entries.size >= opts.maxEntries) entries.delete(entries.keys().next().value as Key);
      entries.set(key, { stamp, value });
      return value;
    },
  };
}
