import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import { spawnNode, tempDataDir, type TempDataDir } from '@versaai/testing';
import { openDatabase } from '../src/index.ts';

function output(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('storage on SQLite', () => {
  let data: TempDataDir;
  beforeEach(async () => {
    data = await tempDataDir();
  });
  afterEach(async () => {
    await data.remove();
  });

  it('creates <dataDir>/<service>.db, making missing directories, with the intended pragmas', async () => {
    const dataDir = join(data.dir, 'nested', 'data');
    const database = await openDatabase({ service: 'chat', dataDir });
    try {
      expect(database).toMatchObject({ dialect: 'sqlite', service: 'chat', schema: null });
      expect(existsSync(join(dataDir, 'chat.db'))).toBe(true);
      const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(database.db)).rows[0] as object)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(1); // NORMAL
      expect(await pragma('busy_timeout')).toBe(5000);
      expect(await pragma('foreign_keys')).toBe(1);
    } finally {
      await database.close();
    }
  });

  it('enforces foreign keys', async () => {
    const database = await openDatabase({ service: 'fk', dataDir: data.dir });
    try {
      await sql`create table parent (id text primary key)`.execute(database.db);
      await sql`create table child (parent_id text not null references parent(id))`.execute(database.db);
      await expect(sql`insert into child values ('missing')`.execute(database.db)).rejects.toThrow(/FOREIGN KEY/);
    } finally {
      await database.close();
    }
  });

  it('honours sqlite: and file: URLs naming a file or a directory', async () => {
    const file = join(data.dir, 'custom', 'mine.db');
    const byFile = await openDatabase({ service: 'auth', databaseUrl: `sqlite://${file}`, dataDir: '/nonexistent' });
    await byFile.close();
    expect(existsSync(file)).toBe(true);

    const dir = join(data.dir, 'other');
    const byDir = await openDatabase({ service: 'auth', databaseUrl: `file:${dir}`, dataDir: '/nonexistent' });
    await byDir.close();
    expect(existsSync(join(dir, 'auth.db'))).toBe(true);
  });

  it('applies each migration once when two processes migrate the same file at the same time', async () => {
    const script = 'packages/storage/test/fixtures/migrate-sqlite-file.ts';
    const runs = await Promise.all([output(spawnNode(script, [data.dir], {})), output(spawnNode(script, [data.dir], {}))]);
    for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0 });
    const applied = runs.flatMap((run) => JSON.parse(run.stdout) as string[]).sort();
    expect(applied).toEqual(['0001_step', '0002_step', '0003_step']);
  });
});
