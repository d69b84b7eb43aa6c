import { migrate, type Database } from '@versaai/storage';
import { describeOnBothDialects } from '@versaai/testing';
import { beforeAll, expect, it } from 'vitest';
import { createEvent } from '../src/create-event.ts';
import { decodeEvent } from '../src/decode-event.ts';
import { pruneInbox, recordInbox, recordInboxBatch } from '../src/inbox.ts';
import { eventsMigrations } from '../src/migrations.ts';
import { enqueueEvents } from '../src/outbox.ts';
import { streamFor } from '../src/transport.ts';

const stateMigration = {
  name: '0001_profiles',
  async up(db: Database['db']) {
    await db.schema.createTable('profiles').addColumn('id', 'text', (column) => column.primaryKey()).addColumn('name', 'text').execute();
  },
};

function profileUpdated(userId: string) {
  return createEvent('user.updated', { userId, changes: { name: 'Ana' } }, { source: 'users', key: userId });
}

describeOnBothDialects('outbox and inbox tables', (harness) => {
  let database: Database;

  beforeAll(async () => {
    database = await harness.open('users');
    const { applied } = await migrate(database, [...eventsMigrations, stateMigration]);
    // The events tables come first, so a service's own first migration may already rely on them.
    expect(applied).toEqual(['0000_events_inbox', '0000_events_outbox', '0001_profiles']);
  });

  it('commits the state change and its event together', async () => {
    const event = profileUpdated('u-commit');
    await database.db.transaction().execute(async (trx) => {
      await trx.insertInto('profiles').values({ id: 'u-commit', name: 'Ana' }).execute();
      await enqueueEvents(trx, [event]);
    });
    const row = await database.db.selectFrom('versaai_outbox').selectAll().where('id', '=', event.id).executeTakeFirstOrThrow();
    expect(row.type).toBe('user.updated');
    expect(row.stream).toBe(streamFor('user.updated'));
    expect(decodeEvent(row.payload)).toEqual(event);
  });

  it('rolls the event back with the state change', async () => {
    const event = profileUpdated('u-rollback');
    await expect(
      database.db.transaction().execute(async (trx) => {
        await trx.insertInto('profiles').values({ id: 'u-rollback', name: 'Ana' }).execute();
        await enqueueEvents(trx, [event]);
        throw new Error('validation failed after the writes');
      }),
    ).rejects.toThrow('validation failed');
    expect(await database.db.selectFrom('profiles').select('id').where('id', '=', 'u-rollback').execute()).toEqual([]);
    expect(await database.db.selectFrom('versaai_outbox').select('id').where('id', '=', event.id).execute()).toEqual([]);
  });

  it('enqueues large batches (more rows than one insert statement takes)', async () => {
    const events = Array.from({ length: 1_200 }, (_, index) => profileUpdated(`bulk-${index}`));
    await database.db.transaction().execute((trx) => enqueueEvents(trx, events));
    const { count } = await database.db
      .selectFrom('versaai_outbox')
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .where('id', 'in', events.map((event) => event.id))
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(1_200);
    await database.db.deleteFrom('versaai_outbox').where('id', 'in', events.map((event) => event.id)).execute();
  });

  it('records an event once per group: the second delivery is a duplicate', async () => {
    const first = await database.db.transaction().execute((trx) => recordInbox(trx, 'chat', 'event-1'));
    const again = await database.db.transaction().execute((trx) => recordInbox(trx, 'chat', 'event-1'));
    const otherGroup = await database.db.transaction().execute((trx) => recordInbox(trx, 'ai', 'event-1'));
    expect([first, again, otherGroup]).toEqual([true, false, true]);
  });

  it('records a batch in one statement and reports only the ids it had not seen', async () => {
    await database.db.transaction().execute((trx) => recordInbox(trx, 'batch', 'seen-before'));
    const fresh = await database.db.transaction().execute((trx) =>
      recordInboxBatch(trx, 'batch', ['b-2', 'seen-before', 'b-1', 'b-2']));
    expect([...fresh].sort()).toEqual(['b-1', 'b-2']);
    const again = await database.db.transaction().execute((trx) => recordInboxBatch(trx, 'batch', ['b-1', 'b-3']));
    expect([...again]).toEqual(['b-3']);
    expect(await database.db.transaction().execute((trx) => recordInboxBatch(trx, 'batch', []))).toEqual(new Set());
  });

  it('forgets an inbox row whose transaction rolled back', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await recordInbox(trx, 'chat', 'event-rolled-back');
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect(await database.db.transaction().execute((trx) => recordInbox(trx, 'chat', 'event-rolled-back'))).toBe(true);
  });

  it('prunes only inbox rows older than the cutoff', async () => {
    await database.db
      .insertInto('versaai_inbox')
      .values({ group_name: 'prune', event_id: 'old', processed_at: new Date(Date.now() - 3_600_000).toISOString() })
      .execute();
    await database.db.transaction().execute((trx) => recordInbox(trx, 'prune', 'fresh'));
    expect(await pruneInbox(database.db, 60_000)).toBeGreaterThanOrEqual(1);
    const left = await database.db.selectFrom('versaai_inbox').select('event_id').where('group_name', '=', 'prune').execute();
    expect(left.map((row) => row.event_id)).toEqual(['fresh']);
  });
});
