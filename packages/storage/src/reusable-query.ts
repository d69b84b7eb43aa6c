import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import { directPostgresRead } from './direct-postgres-reads.ts';
import { directSqliteRead } from './direct-sqlite-reads.ts';

/**
 * A query built and compiled once per database, then run with new parameter values. Building a
 * Kysely query and compiling it costs more than running it on SQLite (measured: a two-table
 * lookup 68 µs built each time, 24 µs reused), so reads on every request's path are worth it.
 *
 * `build` receives placeholder values; each compiled parameter that is a placeholder is
 * replaced, by position of the placeholder, with the value given to `run`. Literal parameters
 * the builder adds itself stay as they are.
 *
 * On a SQLite database (not a transaction) a read runs on the connection directly when no
 * transaction is open there (see direct-sqlite-reads.ts); on a PostgreSQL database (not a
 * transaction) it runs as a named prepared statement on the pool (direct-postgres-reads.ts);
 * everything else goes through Kysely.
 */
export function reusableQuery<Row, Params extends readonly unknown[]>(
  build: (db: Kysely<any>, ...params: { [K in keyof Params]: string }) => Compilable<Row>, // eslint-disable-line @typescript-eslint/no-explicit-any
  arity: Params['length'],
) {
  const placeholders = Array.from({ length: arity }, (_, index) => `\u0000reusable-query-parameter-${index}\u0000`);
  const compiledByDb = new WeakMap<object, { query: CompiledQuery<Row>; slots: Array<number | undefined> }>();

  function prepared(db: Kysely<any>, params: Params) { // eslint-disable-line @typescript-eslint/no-explicit-any
    let compiled = compiledByDb.get(db);
    if (!compiled) {
      const query = build(db, ...(placeholders as { [K in keyof Params]: string })).compile();
      const slots = query.parameters.map((value) => {
        const index = placeholders.indexOf(value as string);
        return index === -1 ? undefined : index;
      });
      compiled = { query, slots };
      compiledByDb.set(db, compiled);
    }
    const { query, slots } = compiled;
    const parameters = query.parameters.map((value, position) => (slots[position] === undefined ? value : params[slots[position]!]));
    return { query, parameters };
  }

  // Not an async function: a prepared PostgreSQL read is then one promise chain (each promise
  // runs the async hooks AsyncLocalStorage turns on). Failures still come back as rejections.
  function run(db: Kysely<any>, ...params: Params): Promise<QueryResult<Row>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      const { query, parameters } = prepared(db, params);
      const rows = directSqliteRead(db)?.(query.sql, parameters);
      if (rows) return Promise.resolve({ rows: rows as Row[] });
      const postgresRead = directPostgresRead(db);
      if (postgresRead) return postgresRead(query.sql, parameters).then((read) => ({ rows: read as Row[] }));
      return db.executeQuery<Row>({ ...query, parameters });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * The same read answered at once where it runs on the SQLite connection directly; undefined
   * when it has to go through Kysely (PostgreSQL, a transaction, one open on the connection):
   * then `run` it. Lets a hot route answer without a promise.
   */
  run.now = (db: Kysely<any>, ...params: Params): QueryResult<Row> | undefined => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const read = directSqliteRead(db);
    if (!read) return undefined;
    const { query, parameters } = prepared(db, params);
    const rows = read(query.sql, parameters);
    return rows ? { rows: rows as Row[] } : undefined;
  };

  return run;
}
