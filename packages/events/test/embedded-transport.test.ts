import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir, type TempDataDir } from '@versaai/testing';
import { createEmbeddedTransport } from '../src/embedded/embedded-transport.ts';
import { describeTransportContract } from './transport-contract.ts';

describe('embedded SQLite transport', () => {
  let data: TempDataDir;
  let files = 0;
  const nextFile = () => join(data.dir, `bus-${++files}.db`);
  beforeAll(async () => {
    data = await tempDataDir();
  });
  afterAll(async () => {
    await data.remove();
  });

  describeTransportContract('embedded', () => createEmbeddedTransport({ file: nextFile() }));

  describe('embedded specifics', () => {
    it('keeps entries, groups, pending entries and dead letters across close and reopen', async () => {
      const file = nextFile();
      const before = createEmbeddedTransport({ file });
      await before.ensureGroup('g', ['s']);
      await before.append([{ stream: 's', payload: 'e1' }, { stream: 's', payload: 'e2' }, { stream: 's', payload: 'e3' }]);
      const [e1, e2] = await before.read('g', 'c1', ['s'], { count: 2, blockMs: 0 });
      await before.deadLetter('g', e1!, 'failed');
      await before.close();

      const after = createEmbeddedTransport({ file });
      try {
        expect(await after.lag('g', ['s'])).toBe(2); // e2 pending, e3 undelivered
        const reclaimed = await after.claimIdle('g', 'c2', ['s'], 0, 10);
        expect(reclaimed.map((entry) => [entry.id, entry.payload, entry.deliveries])).toEqual([[e2!.id, 'e2', 2]]);
        expect((await after.listDeadLetters('g')).map((letter) => [letter.entryId, letter.error])).toEqual([[e1!.id, 'failed']]);
        expect((await after.read('g', 'c2', ['s'], { count: 10, blockMs: 0 })).map((entry) => entry.payload)).toEqual(['e3']);
      } finally {
        await after.close();
      }
    });

    it('stores the bus in WAL mode', async () => {
      const file = nextFile();
      await createEmbeddedTransport({ file }).close();
      const db = new Database(file, { readonly: true });
      try {
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      } finally {
        db.close();
      }
    });
  });
});
