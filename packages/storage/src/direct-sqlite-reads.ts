import type BetterSqlite3 from 'better-sqlite3';
import { rowBuilder, type RowBuilder } from './row-builder.ts';

/** Runs a read on the connection at once; undefined when it must go through Kysely instead. */
export type DirectSqliteRead = (sqlText: string, parameters: readonly unknown[]) => unknown[] | undefined;

const readers = new WeakMap<object, DirectSqliteRead>();

/**
 * Where the database stands, as seen from this connection: `dataVersion` changes when another
 * connection (another process: the CLI, a replica on the same file) commits, `totalChanges`
 * when this one inserts, updates or deletes rows (also inside a transaction not committed yet,
 * and inside triggers). Equal stamps taken with no transaction open mean no row changed between them.
 */
export interface SqliteChangeStamp { dataVersion: number; totalChanges: number }

const stampers = new WeakMap<object, () => SqliteChangeStamp | undefined>();

interface RawRead { statement: BetterSqlite3.Statement; build: RowBuilder | undefined }

/**
 * Lets hot reads of a SQLite database skip Kysely's driver (its connection mutex, result
 * plumbing and the promises between them: about half the cost of a one-row lookup). Safe
 * because better-sqlite3 runs a statement synchronously: nothing interleaves with it. Only
 * while no transaction is open on the connection, though: a read there would see another
 * caller's uncommitted writes, so it waits for Kysely's connection like any other query.
 *
 * The statements here are their own (not the Kysely driver's cache) and run in raw mode: an
 * object row from better-sqlite3 internalizes every column name and adds each property
 * through V8's C++ API, row after row (a third of a one-row `GET /me` read in profiles);
 * an array row turned into an object by a function compiled for the column list is not.
 * Only reusableQuery's fixed SQL texts come here, so the map stays small.
 */
export function registerDirectReads(db: object, connection: BetterSqlite3.Database): void {
  const reads = new Map<string, RawRead | null>();
  readers.set(db, (sqlText, parameters) => {
    if (connection.inTransaction) return undefined;
    let read = reads.get(sqlText);
    if (read === undefined) {
      const statement = connection.prepare(sqlText);
      read = statement.reader ? { statement: statement.raw(true), build: undefined } : null;
      reads.set(sqlText, read);
    }
    if (read === null) return undefined;
    const values = read.statement.all(parameters) as unknown[][];
    if (values.length === 0) return values;
    // Columns are read once; SQLite re-prepares after a schema change (a `*` may then widen), so a
    // row of another width asks for them again.
    if (read.build === undefined || read.build.width !== values[0]!.length) {
      read.build = rowBuilder(read.statement.columns().map((column) => column.name));
    }
    return values.map(read.build);
  });
  // `PRAGMA data_version` opens a read transaction (the WAL read lock: ~2 µs); total_changes()
  // reads a counter of the connection (~0.1 µs). Both are per-connection values, hence here.
  let dataVersion: BetterSqlite3.Statement | undefined;
  let totalChanges: BetterSqlite3.Statement | undefined;
  stampers.set(db, () => {
    if (connection.inTransaction) return undefined;
    dataVersion ??= connection.prepare('pragma data_version').pluck(true);
    totalChanges ??= connection.prepare('select total_changes()').pluck(true);
    return { dataVersion: dataVersion.get() as number, totalChanges: totalChanges.get() as number };
  });
}

/**
 * The change stamp of a database opened by openSqliteDatabase, taken now; undefined while a
 * transaction is open on its connection (its writes are not settled), on a transaction and on PostgreSQL.
 */
export function sqliteChangeStampNow(db: object): SqliteChangeStamp | undefined {
  return stampers.get(db)?.();
}

/** The direct reader of a database opened by openSqliteDatabase (not of a transaction, nor of PostgreSQL). */
export function directSqliteRead(db: object): DirectSqliteRead | undefined {
  return readers.get(db);
}
