import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { createTestDatabase, requireService, tempDataDir, type TempDataDir, type TestDatabase } from '@versaai/testing';
import { migrate, openDatabase, type Database, type Migration } from '../src/index.ts';

const hasPg = await requireService('postgres', 'storage on PostgreSQL');

describe.skipIf(!hasPg)('storage on PostgreSQL', () => {
  let target: TestDatabase;
  let data: TempDataDir;
  const opened: Database[] = [];
  const open = async (service: string, poolMax?: number) => {
    const database = await openDatabase({ service, databaseUrl: target.url, dataDir: data.dir, ...(poolMax ? { poolMax } : {}) });
    opened.push(database);
    return database;
  };

  beforeAll(async () => {
    [target, data] = await Promise.all([createTestDatabase(), tempDataDir()]);
  });
  afterAll(async () => {
    await Promise.allSettled(opened.map((database) => database.close()));
    await target?.drop();
    await data?.remove();
  });

  it('gives each service its own schema, so equal table names never meet', async () => {
    const [alpha, beta] = await Promise.all([open('alpha'), open('beta')]);
    expect([alpha.schema, beta.schema]).toEqual(['alpha', 'beta']);
    for (const database of [alpha, beta]) {
      await database.db.schema.createTable('items').addColumn('name', 'text').execute();
    }
    await alpha.db.schema.createTable('only_alpha').addColumn('x', 'text').execute();
    await alpha.db.insertInto('items').values({ name: 'from alpha' }).execute();

    expect(await alpha.db.selectFrom('items').select('name').execute()).toEqual([{ name: 'from alpha' }]);
    expect(await beta.db.selectFrom('items').select('name').execute()).toEqual([]);
    await expect(beta.db.selectFrom('only_alpha').selectAll().execute()).rejects.toThrow(/only_alpha/);

    const placed = await sql<{ schemaname: string; tablename: string }>`
      select schemaname, tablename from pg_tables where tablename in ('items', 'only_alpha') order by schemaname, tablename`.execute(alpha.db);
    expect(placed.rows).toEqual([
      { schemaname: 'alpha', tablename: 'items' },
      { schemaname: 'alpha', tablename: 'only_alpha' },
      { schemaname: 'beta', tablename: 'items' },
    ]);
  });

  it('points every pooled connection at the service schema', async () => {
    const database = await open('pooled', 4);
    // Four transactions held open together force four distinct connections.
    let arrived = 0;
    let release!: () => void;
    const allArrived = new Promise<void>((resolve) => (release = resolve));
    const seen = await Promise.all(Array.from({ length: 4 }, () => database.db.transaction().execute(async (trx) => {
      const row = await sql<{ schema: string; pid: number }>`select current_schema() as schema, pg_backend_pid() as pid`.execute(trx);
      if (++arrived === 4) release();
      await allArrived;
      return row.rows[0]!;
    })));
    expect(new Set(seen.map((row) => row.pid)).size).toBe(4);
    expect(seen.every((row) => row.schema === 'pooled')).toBe(true);
  });

  it('applies each migration once when two pools migrate the same schema at the same time', async () => {
    const racerMigrations: Migration[] = ['0001', '0002', '0003'].map((id) => ({
      name: `${id}_step`,
      async up(db: Kysely<any>) { // eslint-disable-line @typescript-eslint/no-explicit-any
        await db.schema.createTable('applied_log').ifNotExists().addColumn('step', 'text', (col) => col.primaryKey()).execute();
        await db.insertInto('applied_log').values({ step: id }).execute();
        // Widens the window in which an unlocked second migrator would run the same step.
        await sql`select pg_sleep(0.1)`.execute(db);
      },
    }));
    const [first, second] = await Promise.all([open('racer'), open('racer')]);
    const results = await Promise.all([migrate(first, racerMigrations), migrate(second, racerMigrations)]);

    const applied = results.flatMap((result) => result.applied).sort();
    expect(applied).toEqual(['0001_step', '0002_step', '0003_step']);
    const log = await first.db.selectFrom('applied_log').select('step').orderBy('step').execute();
    expect(log.map((row) => row.step)).toEqual(['0001', '0002', '0003']);

    const bookkeeping = await sql<{ schemaname: string }>`
      select distinct schemaname from pg_tables where tablename in ('kysely_migration', 'kysely_migration_lock')`.execute(first.db);
    // Only 'racer' migrated in this database, and its bookkeeping stays in its own schema.
    expect(bookkeeping.rows.map((row) => row.schemaname)).toEqual(['racer']);
  });

  it('rejects service names that are not plain schema names', async () => {
    for (const service of ['Auth', 'a-b', '1x', 'x"; drop schema public; --', '']) {
      await expect(openDatabase({ service, databaseUrl: target.url, dataDir: data.dir })).rejects.toThrow(/Invalid service name/);
    }
  });
});
