import { beforeAll, expect, it, vi } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { describeOnBothDialects } from '@versaai/testing';
import { reusableQuery, type Database } from '../src/index.ts';

describeOnBothDialects('reusableQuery', (harness) => {
  let database: Database;
  let db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    database = await harness.open('reusable');
    db = database.db;
    await sql`create table pets (id text primary key, owner text not null, kind text not null)`.execute(db);
    await db.insertInto('pets').values([
      { id: 'p1', owner: 'ana', kind: 'cat' }, { id: 'p2', owner: 'ana', kind: 'dog' }, { id: 'p3', owner: 'ben', kind: 'cat' },
    ]).execute();
  });

  it('runs one compiled query with new values each time, keeping the literal parameters the builder added', async () => {
    let builds = 0;
    const petsOf = reusableQuery((d, owner: string, kind: string) => {
      builds += 1;
      // 'x' is a literal parameter of the builder's own: it must survive, not be taken for a placeholder.
      return d.selectFrom('pets').select('id').where('owner', '=', owner).where('kind', '=', kind).where('id', '!=', 'x').orderBy('id');
    }, 2);
    expect((await petsOf(db, 'ana', 'cat')).rows).toEqual([{ id: 'p1' }]);
    expect((await petsOf(db, 'ana', 'dog')).rows).toEqual([{ id: 'p2' }]);
    expect((await petsOf(db, 'ben', 'cat')).rows).toEqual([{ id: 'p3' }]);
    expect((await petsOf(db, 'ben', 'dog')).rows).toEqual([]);
    expect(builds).toBe(1);
  });

  it('compiles again inside a transaction (another Kysely instance) and sees its writes', async () => {
    const owners = reusableQuery((d, id: string) => d.selectFrom('pets').select('owner').where('id', '=', id), 1);
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('pets').values({ id: 'p9', owner: 'cy', kind: 'fish' }).execute();
      expect((await owners(trx, 'p9')).rows).toEqual([{ owner: 'cy' }]);
      throw new Error('rollback');
    }).catch(() => undefined);
    expect((await owners(db, 'p9')).rows).toEqual([]);
  });

  it('reads without Kysely (SQLite: when no transaction is open; PostgreSQL: a prepared statement), never seeing another caller\'s uncommitted writes', async () => {
    const owners = reusableQuery((d, id: string) => d.selectFrom('pets').select('owner').where('id', '=', id), 1);
    const viaKysely = vi.spyOn(db, 'executeQuery');
    try {
      expect((await owners(db, 'p1')).rows).toEqual([{ owner: 'ana' }]);
      expect(viaKysely).toHaveBeenCalledTimes(0);
      let outside: Promise<unknown> | undefined;
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('pets').values({ id: 'p8', owner: 'dee', kind: 'cat' }).execute();
        // Same SQLite connection, transaction open: this read must wait for it to end.
        outside = owners(db, 'p8').then((result) => result.rows);
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('rollback');
      }).catch(() => undefined);
      expect(await outside).toEqual([]);
    } finally {
      viaKysely.mockRestore();
    }
  });
  it('sees a column added after the query was first run (SQLite re-prepares its statement)', async () => {
    await sql`create table toys (id text primary key, name text not null)`.execute(db);
    await db.insertInto('toys').values({ id: 't1', name: 'ball' }).execute();
    const toy = reusableQuery((d, id: string) => d.selectFrom('toys').selectAll().where('id', '=', id), 1);
    expect((await toy(db, 't1')).rows).toEqual([{ id: 't1', name: 'ball' }]);
    await sql`alter table toys add column colour text`.execute(db);
    expect((await toy(db, 't1')).rows).toEqual([{ id: 't1', name: 'ball', colour: null }]);
  });
  it('sees a column added after the query was prepared on the same connection (PostgreSQL: a new statement name)', async () => {
    // One connection: the second read meets the statement prepared by the first.
    const single = await harness.open('reusable_single', { poolMax: 1 });
    await sql`create table gifts (id text primary key, name text not null)`.execute(single.db);
    await single.db.insertInto('gifts').values({ id: 'g1', name: 'kite' }).execute();
    const gift = reusableQuery((d, id: string) => d.selectFrom('gifts').selectAll().where('id', '=', id), 1);
    expect((await gift(single.db, 'g1')).rows).toEqual([{ id: 'g1', name: 'kite' }]);
    await sql`alter table gifts add column colour text`.execute(single.db);
    expect((await gift(single.db, 'g1')).rows).toEqual([{ id: 'g1', name: 'kite', colour: null }]);
    expect((await gift(single.db, 'nobody')).rows).toEqual([]);
  });
  it('answers at once (now) only where run would read SQLite directly, with the same rows', async () => {
    const owners = reusableQuery((d, id: string) => d.selectFrom('pets').select('owner').where('id', '=', id), 1);
    if (database.dialect !== 'sqlite') {
      expect(owners.now(db, 'p1')).toBeUndefined();
      return;
    }
    expect(owners.now(db, 'p1')).toEqual(await owners(db, 'p1'));
    expect(owners.now(db, 'nobody')?.rows).toEqual([]);
    await db.transaction().execute(async (trx) => {
      // Neither the transaction itself nor the connection while it is open answers at once.
      expect(owners.now(trx, 'p1')).toBeUndefined();
      expect(owners.now(db, 'p1')).toBeUndefined();
    });
    expect(owners.now(db, 'p1')?.rows).toEqual([{ owner: 'ana' }]);
  });
});
