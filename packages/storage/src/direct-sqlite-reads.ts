import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Runs a read on the connection at once; undefined when it must go through Kysely instead. */
export type DirectSqliteRead = (sqlText: string, parameters: readonly unknown[]) => unknown[] | undefined;

const readers = new WeakMap<object, DirectSqliteRead>();

/**
 * Lets hot reads of a SQLite database skip Kysely's driver (its connection mutex, result
 * plumbing and the promises between them: about half the cost of a one-row lookup). Safe
 * because better-sqlite3 runs a statement synchronously: nothing interleaves with it. Only
 * while no transaction is open on the connection, though: a read there would see another
 * caller's uncommitted writes, so it waits for Kysely's connection like any other query.
 */
export function registerDirectReads(db: object, connection: BetterSqlite3.Database, statements: SqliteDatabase): void {
  readers.set(db, (sqlText, parameters) => {
    if (connection.inTransaction) return undefined;
    const statement = statements.prepare(sqlText) as unknown as BetterSqlite3.Statement;
    return statement.reader ? statement.all(parameters) : undefined;
  });
}

/** The direct reader of a database opened by openSqliteDatabase (not of a transaction, nor of PostgreSQL). */
export function directSqliteRead(db: object): DirectSqliteRead | undefined {
  return readers.get(db);
}
