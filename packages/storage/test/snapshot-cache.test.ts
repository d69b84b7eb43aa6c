import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { tempDataDir, type TempDataDir } from '@versaai/testing';
import { openDatabase, reusableQuery, snapshotCache, type Database } from '../src/index.ts';

describe('snapshotCache (SQLite)', () => {
  let data: TempDataDir;
  let database: Database;
  let other: Database;
  let db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeEach(async () => {
    data = await tempDataDir();
    database = await openDatabase({ service: 'pets', dataDir: data.dir });
    // A second connection on the same file: what another process (the CLI, a replica) is to this one.
    other = await openDatabase({ service: 'pets', dataDir: data.dir });
    db = database.db;
    await sql`create table pets (id text primary key, name text not null)`.execute(db);
    await sql`create table visits (id integer primary key, pet text not null)`.execute(db);
    await db.insertInto('pets').values({ id: 'p1', name: 'Tom' }).execute();
  });
  afterEach(async () => {
    await other.close();
    await database.close();
    await data.remove();
  });

  const selectName = reusableQuery((d, id: string) => d.selectFrom('pets').select('name').where('id', '=', id), 1);

  /** A cache over a direct read of a pet's name (as GET /me uses it), counting the reads it had to make. */
  function petNames(maxEntries = 100) {
    const cache = snapshotCache<string, { name: string | undefined }>({ maxEntries });
    const calls = { reads: 0 };
    const nameOf = (id: string) => cache.now(db, id, () => {
      calls.reads += 1;
      const result = selectName.now(db, id);
      return result && { name: (result.rows[0] as { name: string } | undefined)?.name };
    });
    return { nameOf, calls };
  }

  it('answers from memory while no row of the database changed', async () => {
    const { nameOf, calls } = petNames();
    expect(nameOf('p1')).toEqual({ name: 'Tom' });
    expect(nameOf('p1')).toEqual({ name: 'Tom' });
    expect(nameOf('p2')).toEqual({ name: undefined });
    expect(nameOf('p2')).toEqual({ name: undefined });
    expect(calls.reads).toBe(2);
  });

  it('reads again after any write of this connection, in any table and through any path', async () => {
    const { nameOf, calls } = petNames();
    nameOf('p1');
    await db.insertInto('visits').values({ pet: 'p1' }).execute();
    nameOf('p1');
    expect(calls.reads).toBe(2);
    await sql`update pets set name = 'Tommy' where id = 'p1'`.execute(db);
    expect(nameOf('p1')).toEqual({ name: 'Tommy' });
    expect(calls.reads).toBe(3);
    // A transaction rolled back still counts as a change: a harmless extra read.
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('visits').execute();
      throw new Error('rollback');
    }).catch(() => undefined);
    nameOf('p1');
    expect(calls.reads).toBe(4);
  });

  it('reads again after another connection on the same file commits', async () => {
    const { nameOf, calls } = petNames();
    nameOf('p1');
    await other.db.updateTable('pets').set({ name: 'Felix' }).where('id', '=', 'p1').execute();
    expect(nameOf('p1')).toEqual({ name: 'Felix' });
    expect(calls.reads).toBe(2);
    expect(nameOf('p1')).toEqual({ name: 'Felix' });
    expect(calls.reads).toBe(2);
  });

  it('cannot answer while a transaction is open on the connection, nor for a transaction', async () => {
    const { nameOf, calls } = petNames();
    nameOf('p1');
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('pets').set({ name: 'Uncommitted' }).where('id', '=', 'p1').execute();
      expect(nameOf('p1')).toBeUndefined();
      const cache = snapshotCache<string, string>({ maxEntries: 10 });
      expect(cache.now(trx, 'p1', () => 'read')).toBeUndefined();
    });
    expect(calls.reads).toBe(1);
  });

  it('keeps nothing when the read cannot answer, and at most maxEntries keys (oldest dropped first)', async () => {
    const cache = snapshotCache<string, string>({ maxEntries: 2 });
    let reads = 0;
    const read = (key: string) => cache.now(db, key, () => {
      reads += 1;
      return key === 'none' ? undefined : `value of ${key}`;
    });
    expect(read('none')).toBeUndefined();
    expect(read('none')).toBeUndefined();
    expect(reads).toBe(2);
    read('a');
    read('b');
    read('c');
    expect(reads).toBe(5);
    read('c');
    read('b');
    expect(reads).toBe(5);
    read('a');
    expect(reads).toBe(6);
  });
});
