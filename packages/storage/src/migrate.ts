import { Migrator, sql, type Kysely, type Migration as KyselyMigration, type MigrationProvider } from 'kysely';
import type { Database, Dialect } from './database.ts';

export interface Migration {
  name: string;
  up(db: Kysely<any>, dialect: Dialect): Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The slice of a pino logger migrate() uses. */
export interface MigrationLogger {
  info(obj: object, msg?: string): void;
}

function inMemoryProvider(migrations: Migration[], dialect: Dialect): MigrationProvider {
  const byName: Record<string, KyselyMigration> = {};
  for (const migration of migrations) {
    if (byName[migration.name]) throw new Error(`Duplicate migration name "${migration.name}"`);
    byName[migration.name] = { up: (db) => migration.up(db, dialect) };
  }
  return { getMigrations: async () => byName };
}

/**
 * Kysely runs SQLite migrations without a transaction or lock. SQLite has one connection per
 * Database, so an outer BEGIN IMMEDIATE covers every migration statement: a failing migration
 * leaves nothing half-applied, and another process migrating the same file waits for the
 * write lock (busy_timeout) instead of interleaving.
 */
async function inSqliteWriteTransaction<T extends { error?: unknown }>(database: Database, run: () => Promise<T>): Promise<T> {
  await sql`begin immediate`.execute(database.db);
  let outcome: T;
  try {
    outcome = await run();
  } catch (error) {
    await sql`rollback`.execute(database.db);
    throw error;
  }
  await sql.raw(outcome.error ? 'rollback' : 'commit').execute(database.db);
  return outcome;
}

/**
 * Applies pending migrations in name order. The migration tables live in the service's own
 * schema (or file); on PostgreSQL Kysely holds an advisory lock, so replicas starting together
 * apply each migration once.
 */
export async function migrate(database: Database, migrations: Migration[], logger?: MigrationLogger): Promise<{ applied: string[] }> {
  const migrator = new Migrator({
    db: database.db,
    provider: inMemoryProvider(migrations, database.dialect),
    ...(database.schema ? { migrationTableSchema: database.schema } : {}),
  });
  const { error, results = [] } = database.dialect === 'sqlite'
    ? await inSqliteWriteTransaction(database, () => migrator.migrateToLatest())
    : await migrator.migrateToLatest();
  const applied = results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
  for (const name of applied) logger?.info({ service: database.service, migration: name }, 'migration applied');
  if (error) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      failed
        ? `Migration "${failed}" of service "${database.service}" failed: ${message}`
        : `Migrations of service "${database.service}" failed: ${message}`,
      { cause: error },
    );
  }
  return { applied };
}
