import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, postgresTestUrl, requireService } from '../src/index.ts';

const hasPg = await requireService('postgres', 'createTestDatabase');

async function databaseExists(name: string): Promise<boolean> {
  const admin = new pg.Client({ connectionString: postgresTestUrl() });
  await admin.connect();
  try {
    const result = await admin.query('select 1 from pg_database where datname = $1', [name]);
    return result.rowCount === 1;
  } finally {
    await admin.end();
  }
}

describe.skipIf(!hasPg)('createTestDatabase', () => {
  it('creates an empty database reachable at its URL and drops it even with a connection open', async () => {
    const database = await createTestDatabase();
    expect(database.name).toMatch(/^versaai_t_[0-9a-f]{12}$/);
    expect(new URL(database.url).pathname).toBe(`/${database.name}`);

    const client = new pg.Client({ connectionString: database.url });
    client.on('error', () => {});
    await client.connect();
    const tables = await client.query("select count(*)::int as n from pg_tables where schemaname = 'public'");
    expect(tables.rows[0].n).toBe(0);

    await database.drop();
    expect(await databaseExists(database.name)).toBe(false);
    await client.end().catch(() => {});
    await database.drop(); // a second drop is harmless
  });

  it('gives each caller its own database', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      expect(a.name).not.toBe(b.name);
      expect(await databaseExists(a.name)).toBe(true);
      expect(await databaseExists(b.name)).toBe(true);
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
  });
});
