import type { Database, OpenDatabaseOptions } from './database.ts';
import { parseDatabaseTarget } from './database-target.ts';
import { openPostgresDatabase } from './open-postgres.ts';
import { openSqliteDatabase } from './open-sqlite.ts';

/** Opens the service's database: PostgreSQL (own schema) for postgres:// URLs, else a SQLite file. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const target = parseDatabaseTarget(opts);
  if (target.dialect === 'sqlite') return openSqliteDatabase(target.service, target.file);
  // parseDatabaseTarget accepted the URL as postgres://, so it is defined here.
  return openPostgresDatabase(target.service, opts.databaseUrl!.trim(), opts.poolMax ?? 10);
}
