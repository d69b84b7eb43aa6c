// The same contract on SQLite and PostgreSQL: a repository written once behaves identically.
import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { describeOnBothDialects } from '@versaai/testing';
import { isUniqueViolation, migrate, type Database } from '../src/index.ts';
import { notesMigrations, notesRepository, type NotesSchema } from './fixtures/notes-repository.ts';

function newNote(title = `note ${randomUUID()}`) {
  return { id: randomUUID(), title, tags: ['a', 'ünïcode ✓'], createdAt: new Date().toISOString() };
}

describeOnBothDialects('notes repository contract', (harness) => {
  let database: Database;
  let db: Kysely<NotesSchema>;
  let notes: ReturnType<typeof notesRepository>;

  beforeAll(async () => {
    database = await harness.open('notes');
    expect(database.dialect).toBe(harness.dialect);
    expect(await migrate(database, notesMigrations)).toEqual({ applied: ['0001_create_notes', '0002_index_notes_created_at'] });
    db = database.db as Kysely<NotesSchema>;
    notes = notesRepository(db);
  });

  it('inserts, selects, updates and deletes', async () => {
    const note = newNote();
    await notes.create(note);
    expect(await notes.get(note.id)).toEqual({ ...note, views: 0 });

    expect(await notes.recordView(note.id)).toBe(1);
    expect(await notes.recordView(note.id)).toBe(1);
    expect((await notes.get(note.id))?.views).toBe(2);

    expect(await notes.remove(note.id)).toBe(1);
    expect(await notes.get(note.id)).toBeUndefined();
    expect(await notes.remove(note.id)).toBe(0);
  });

  it('keeps ISO timestamps as text that sorts chronologically and counts as a number', async () => {
    const older = { ...newNote(), createdAt: '2024-01-02T03:04:05.678Z' };
    const newer = { ...newNote(), createdAt: '2024-11-02T03:04:05.678Z' };
    await notes.create(older);
    await notes.create(newer);
    const listed = await notes.listNewestFirst([older.id, newer.id]);
    expect(listed.map((note) => note.createdAt)).toEqual([newer.createdAt, older.createdAt]);
    expect(typeof (await notes.count())).toBe('number');
  });

  it('reports unique and primary-key violations recognisably', async () => {
    const note = newNote();
    await notes.create(note);
    const duplicateTitle = await notes.create({ ...newNote(), title: note.title }).catch((error: unknown) => error);
    expect(isUniqueViolation(duplicateTitle)).toBe(true);
    const duplicateId = await notes.create({ ...newNote(), id: note.id }).catch((error: unknown) => error);
    expect(isUniqueViolation(duplicateId)).toBe(true);
    const wrapped = new Error('while saving', { cause: duplicateId });
    expect(isUniqueViolation(wrapped)).toBe(true);

    const otherFailure = await sql`select * from no_such_table`.execute(db).catch((error: unknown) => error);
    expect(otherFailure).toBeInstanceOf(Error);
    expect(isUniqueViolation(otherFailure)).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });

  it('rolls a transaction back when its body throws', async () => {
    const kept = newNote();
    await notes.create(kept);
    const discarded = newNote();
    const failure = await db.transaction().execute(async (trx) => {
      const inTransaction = notesRepository(trx);
      await inTransaction.create(discarded);
      await inTransaction.recordView(kept.id);
      expect(await inTransaction.get(discarded.id)).toBeDefined();
      throw new Error('abort');
    }).catch((error: unknown) => error);
    expect((failure as Error).message).toBe('abort');
    expect(await notes.get(discarded.id)).toBeUndefined();
    expect((await notes.get(kept.id))?.views).toBe(0);
  });

  it('applies nothing when migrations run again, and only new ones when the list grows', async () => {
    expect(await migrate(database, notesMigrations)).toEqual({ applied: [] });
    const grown = [...notesMigrations, {
      name: '0003_add_pinned',
      async up(kdb: Kysely<unknown>) {
        await kdb.schema.alterTable('notes').addColumn('pinned', 'integer', (col) => col.notNull().defaultTo(0)).execute();
      },
    }];
    // Given out of order on purpose: migrate() applies by name.
    expect(await migrate(database, [grown[2]!, grown[0]!, grown[1]!])).toEqual({ applied: ['0003_add_pinned'] });
    expect(await migrate(database, grown)).toEqual({ applied: [] });
  });

  it('fails naming the migration, leaving none of its work behind', async () => {
    const other = await harness.open('broken');
    const failing = [
      { name: '0001_ok', async up(kdb: Kysely<unknown>) { await kdb.schema.createTable('first').addColumn('id', 'text').execute(); } },
      {
        name: '0002_half_done',
        async up(kdb: Kysely<unknown>) {
          await kdb.schema.createTable('half').addColumn('id', 'text').execute();
          await sql`insert into missing_table values (1)`.execute(kdb);
        },
      },
    ];
    await expect(migrate(other, failing)).rejects.toThrow(/Migration "0002_half_done" of service "broken" failed/);
    const tables = await other.db.introspection.getTables();
    expect(tables.map((table) => table.name)).not.toContain('half');
    // A fixed migration list then applies cleanly.
    const fixed = [failing[0]!, { name: '0002_half_done', async up(kdb: Kysely<unknown>) { await kdb.schema.createTable('half').addColumn('id', 'text').execute(); } }];
    const second = await migrate(other, fixed);
    expect(second.applied).toContain('0002_half_done');
  });

  it('answers ping and refuses work after close', async () => {
    const extra = await harness.open('pinged');
    await extra.ping();
    await extra.close();
    await extra.close(); // idempotent
    await expect(extra.ping()).rejects.toThrow();
  });
});
