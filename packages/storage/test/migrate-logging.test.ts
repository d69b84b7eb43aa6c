import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger } from '@versaai/kernel';
import { tempDataDir, type TempDataDir } from '@versaai/testing';
import { migrate, openDatabase, type Migration } from '../src/index.ts';

describe('migrate logging', () => {
  let data: TempDataDir;
  beforeAll(async () => {
    data = await tempDataDir();
  });
  afterAll(async () => {
    await data.remove();
  });

  it('logs each applied migration through a kernel logger, and nothing when up to date', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger({ service: 'logged', destination });
    const migrations: Migration[] = [
      { name: '0002_b', async up(db) { await db.schema.createTable('b').addColumn('id', 'text').execute(); } },
      { name: '0001_a', async up(db) { await db.schema.createTable('a').addColumn('id', 'text').execute(); } },
    ];
    const database = await openDatabase({ service: 'logged', dataDir: data.dir });
    try {
      await migrate(database, migrations, logger);
      await migrate(database, migrations, logger);
    } finally {
      await database.close();
    }
    expect(lines.map((line) => [line.msg, line.migration])).toEqual([
      ['migration applied', '0001_a'],
      ['migration applied', '0002_b'],
    ]);
  });

  it('refuses two migrations with the same name', async () => {
    const database = await openDatabase({ service: 'dupes', dataDir: data.dir });
    try {
      const twice: Migration = { name: '0001_same', async up() {} };
      await expect(migrate(database, [twice, twice])).rejects.toThrow(/Duplicate migration name "0001_same"/);
    } finally {
      await database.close();
    }
  });
});
