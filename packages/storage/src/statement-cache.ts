import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * Kysely's SQLite driver prepares every query again; preparing costs about as much as running
 * a small statement. Statements are reused by their SQL text, least recently used evicted.
 * Reuse is safe because the driver runs one query at a time on the connection, and SQLite
 * re-prepares a cached statement by itself after a schema change.
 */
export function withStatementCache(connection: BetterSqlite3.Database, maxStatements = 256): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      cache.clear();
      connection.close();
    },
    prepare(sqlText) {
      const cached = cache.get(sqlText);
      if (cached) {
        cache.delete(sqlText);
        cache.set(sqlText, cached);
        return cached;
      }
      const statement = connection.prepare(sqlText);
      cache.set(sqlText, statement);
      if (cache.size > maxStatements) cache.delete(cache.keys().next().value!);
      return statement;
    },
  };
}
