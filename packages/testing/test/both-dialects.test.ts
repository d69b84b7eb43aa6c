import { beforeAll, expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { Database } from '@versaai/storage';
import { describeOnBothDialects, requireService } from '../src/index.ts';

const dialectsSeen: string[] = [];

describeOnBothDialects('describeOnBothDialects', (harness) => {
  let database: Database;
  beforeAll(async () => {
    database = await harness.open('harnessed');
    dialectsSeen.push(harness.dialect);
  });

  it('opens the service database on the dialect it names, in a fresh place', async () => {
    expect(database.dialect).toBe(harness.dialect);
    expect(existsSync(harness.dataDir)).toBe(true);
    if (harness.dialect === 'sqlite') {
      expect(harness.databaseUrl).toBeUndefined();
      expect(existsSync(join(harness.dataDir, 'harnessed.db'))).toBe(true);
    } else {
      expect(new URL(harness.databaseUrl!).pathname).toMatch(/^\/versaai_t_[0-9a-f]+$/);
      expect(database.schema).toBe('harnessed');
    }
    expect(await database.db.introspection.getTables()).toEqual([]);
    await database.ping();
  });
});

it('ran the suite on SQLite, then on PostgreSQL unless requireService skipped it', async () => {
  // Tests run in order of definition: this one runs after both dialect suites.
  const hasPg = await requireService('postgres');
  expect(dialectsSeen).toEqual(hasPg ? ['sqlite', 'postgres'] : ['sqlite']);
});
