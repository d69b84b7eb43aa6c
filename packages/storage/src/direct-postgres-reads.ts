import { createHash } from 'node:crypto';
import type pg from 'pg';
import { rowBuilder, type RowBuilder } from './row-builder.ts';

/** Runs a read as a named prepared statement on the pool; resolves to its rows. */
export type DirectPostgresRead = (sqlText: string, parameters: readonly unknown[]) => Promise<unknown[]>;

const readers = new WeakMap<object, DirectPostgresRead>();

interface Statement { name: string; generation: number; build: RowBuilder | undefined }

// PostgreSQL's "cached plan must not change result type": a table under a prepared `*` gained or
// lost a column (a migration ran on another replica). The old statement stays unusable on every
// connection that prepared it, so the read moves to a new name and is parsed again.
const FEATURE_NOT_SUPPORTED = '0A000';
const isStalePlan = (error: unknown): boolean => (error as { code?: unknown }).code === FEATURE_NOT_SUPPORTED
  && String((error as { message?: unknown }).message).includes('cached plan must not change result type');

function statementName(sqlText: string, generation: number): string {
  return `rq_${createHash('sha1').update(sqlText).digest('hex').slice(0, 20)}_${generation}`;
}

/**
 * Lets hot reads of a PostgreSQL database run as named prepared statements straight on the pool.
 * Through Kysely every query is an unnamed statement: the server parses, analyses and plans it
 * again each time, and the driver builds its row parsers again from the row description; with a
 * name, each connection parses once and the server reuses the plan. Kysely's executor (its
 * connection provider, plugins and result plumbing) is skipped too, and rows come as arrays
 * turned into objects by a function compiled per column list: pg's object rows are copied
 * from a dictionary-mode template built again for every result. Only reusableQuery's fixed
 * SQL texts come here, so each connection holds a handful of statements at most.
 *
 * Only for the database itself: a read inside a transaction must run on the transaction's
 * connection, so reusableQuery sends those through Kysely as before. Needs session-level
 * connections (a pooler in transaction mode must be one that supports prepared statements).
 */
export function registerDirectPostgresReads(db: object, pool: pg.Pool): void {
  const names = new Map<string, Statement>();
  const nameOf = (sqlText: string) => {
    let entry = names.get(sqlText);
    if (!entry) {
      entry = { name: statementName(sqlText, 0), generation: 0, build: undefined };
      names.set(sqlText, entry);
    }
    return entry;
  };
  const read = (sqlText: string, parameters: readonly unknown[], retried: boolean): Promise<unknown[]> => {
    const entry = nameOf(sqlText);
    return pool.query<unknown[]>({ name: entry.name, text: sqlText, values: parameters as unknown[], rowMode: 'array' }).then(
      (result) => {
        const values = result.rows;
        if (values.length === 0) return values;
        // A new shape comes with a new statement name (see above), so one builder per entry holds.
        if (entry.build === undefined || entry.build.width !== result.fields.length) entry.build = rowBuilder(result.fields.map((field) => field.name));
        return values.map(entry.build);
      },
      (error: unknown) => {
        if (retried || !isStalePlan(error)) throw error;
        // Another caller may have moved it on already; move on from the name that failed only.
        if (names.get(sqlText) === entry) {
          const generation = entry.generation + 1;
          names.set(sqlText, { name: statementName(sqlText, generation), generation, build: undefined });
        }
        return read(sqlText, parameters, true);
      },
    );
  };
  readers.set(db, (sqlText, parameters) => read(sqlText, parameters, false));
}

/** The direct reader of a database opened by openPostgresDatabase (not of a transaction, nor of SQLite). */
export function directPostgresRead(db: object): DirectPostgresRead | undefined {
  return readers.get(db);
}
