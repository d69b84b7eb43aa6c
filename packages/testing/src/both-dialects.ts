import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase, type Database, type Dialect } from '@versaai/storage';
import { requireService } from './require-service.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { tempDataDir, type TempDataDir } from './temp-data-dir.ts';

/** What a suite body gets: the dialect under test and a way to open service databases on it. */
export interface DialectHarness {
  readonly dialect: Dialect;
  /** The URL handed to openDatabase: a fresh PostgreSQL database, or undefined for SQLite. Valid inside hooks and tests. */
  readonly databaseUrl: string | undefined;
  /** A fresh directory for SQLite files (and anything else the suite writes). Valid inside hooks and tests. */
  readonly dataDir: string;
  /** Opens a service's database on this dialect; every database opened is closed after the suite. */
  open(service: string, opts?: { poolMax?: number }): Promise<Database>;
}

function harnessFor(dialect: Dialect): DialectHarness {
  let data: TempDataDir | undefined;
  let pgDatabase: TestDatabase | undefined;
  const opened: Database[] = [];

  beforeAll(async () => {
    data = await tempDataDir();
    if (dialect === 'postgres') pgDatabase = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.allSettled(opened.map((database) => database.close()));
    await pgDatabase?.drop();
    await data?.remove();
  });

  const harness: DialectHarness = {
    dialect,
    get databaseUrl() {
      if (!data) throw new Error('DialectHarness is usable inside hooks and tests only');
      return pgDatabase?.url;
    },
    get dataDir() {
      if (!data) throw new Error('DialectHarness is usable inside hooks and tests only');
      return data.dir;
    },
    async open(service, opts = {}) {
      const database = await openDatabase({ service, databaseUrl: harness.databaseUrl, dataDir: harness.dataDir, ...opts });
      opened.push(database);
      return database;
    },
  };
  return harness;
}

/**
 * Runs the same suite body on a fresh SQLite directory and on a fresh PostgreSQL database,
 * so a repository or port proves it behaves identically on both. PostgreSQL is skipped only
 * when requireService allows it (never in CI).
 */
export function describeOnBothDialects(name: string, body: (harness: DialectHarness) => void): void {
  describe(name, async () => {
    describe('sqlite', () => body(harnessFor('sqlite')));
    const hasPostgres = await requireService('postgres', name);
    describe.skipIf(!hasPostgres)('postgres', () => body(harnessFor('postgres')));
  });
}
