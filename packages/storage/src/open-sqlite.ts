import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Database } from './database.ts';
import { withStatementCache } from './statement-cache.ts';
import { registerDirectReads } from './direct-sqlite-reads.ts';

export function openSqliteDatabase(service: string, file: string): Database {
  mkdirSync(dirname(file), { recursive: true });
  const connection = new BetterSqlite3(file);
  // busy_timeout first: other processes (the CLI, a migrating replica) may hold the write lock
  // briefly, even while this one switches the journal mode. WAL lets readers run beside the
  // writer; NORMAL is durable across application crashes in WAL mode.
  connection.pragma('busy_timeout = 5000');
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  const statements = withStatementCache(connection);
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: statements }) }); // eslint-disable-line @typescript-eslint/no-explicit-any
  registerDirectReads(db, connection);
  let closed: Promise<void> | undefined;
  return {
    db,
    dialect: 'sqlite',
    service,
    schema: null,
    async ping() {
      await sql`select 1`.execute(db);
    },
    close() {
      closed ??= db.destroy();
      return closed;
    },
  };
}
