import { eventsMigrations } from '@versaai/events';
import { migrate, openDatabase, type Database, type Migration } from '@versaai/storage';

export const BENCH_SERVICE = 'bench';

/** The handler's trivial effect: one row per handled event, written in the inbox's transaction. */
const benchEffectsMigration: Migration = {
  name: '0001_bench_effects',
  async up(db) {
    await db.schema
      .createTable('bench_effects')
      .ifNotExists()
      .addColumn('event_id', 'text', (column) => column.primaryKey())
      .addColumn('conversation_id', 'text', (column) => column.notNull())
      .addColumn('handled_at', 'double precision', (column) => column.notNull())
      .execute();
  },
};

export interface BenchDatabaseTarget {
  /** postgres://… or undefined for a SQLite file in dataDir. */
  databaseUrl?: string;
  dataDir: string;
}

export function openBenchDatabase(target: BenchDatabaseTarget): Promise<Database> {
  return openDatabase({ service: BENCH_SERVICE, databaseUrl: target.databaseUrl, dataDir: target.dataDir });
}

/** Run once by the orchestrator before consumers start, so replicas never race on a fresh file. */
export async function prepareBenchDatabase(target: BenchDatabaseTarget): Promise<void> {
  const database = await openBenchDatabase(target);
  try {
    await migrate(database, [...eventsMigrations, benchEffectsMigration]);
  } finally {
    await database.close();
  }
}
