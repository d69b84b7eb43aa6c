import type Database from 'better-sqlite3';
import { replayStreamFor, type DeadLetter, type StreamEntry } from '../transport.ts';
import { parseSeq } from './delivery.ts';

interface DeadLetterRow {
  id: number; group_name: string; stream: string; entry_id: string; payload: string;
  error: string; deliveries: number; failed_at: number;
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: String(row.id), group: row.group_name, stream: row.stream, entryId: row.entry_id, payload: row.payload,
    error: row.error, deliveries: row.deliveries, failedAt: new Date(row.failed_at).toISOString(),
  };
}

/** Dead letters of the embedded bus; a replay re-appends to the group's replay stream in the same transaction. */
export function createDeadLetters(db: Database.Database, onAppended: (stream: string) => void) {
  const insert = db.prepare<[string, string, string, string, string, number, number]>(
    `INSERT INTO bus_dead_letters (group_name, stream, entry_id, payload, error, deliveries, failed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const deletePending = db.prepare<[string, string, number]>(
    'DELETE FROM bus_pending WHERE group_name = ? AND stream = ? AND seq = ?');
  const listAll = db.prepare<[number], DeadLetterRow>('SELECT * FROM bus_dead_letters ORDER BY id LIMIT ?');
  const listGroup = db.prepare<[string, number], DeadLetterRow>(
    'SELECT * FROM bus_dead_letters WHERE group_name = ? ORDER BY id LIMIT ?');
  const findOne = db.prepare<[number], DeadLetterRow>('SELECT * FROM bus_dead_letters WHERE id = ?');
  const deleteOne = db.prepare<[number]>('DELETE FROM bus_dead_letters WHERE id = ?');
  const ensureGroup = db.prepare<[string, string, number]>(
    'INSERT OR IGNORE INTO bus_groups (group_name, stream, last_delivered_seq, created_at) VALUES (?, ?, 0, ?)');
  const appendEntry = db.prepare<[string, string, number]>(
    'INSERT INTO bus_entries (stream, payload, created_at) VALUES (?, ?, ?)');

  const deadLetter = db.transaction((group: string, entry: StreamEntry, error: string) => {
    insert.run(group, entry.stream, entry.id, entry.payload, error, entry.deliveries, Date.now());
    const seq = parseSeq(entry.id);
    if (seq !== null) deletePending.run(group, entry.stream, seq);
  });

  const replay = db.transaction((id: number): DeadLetter | null => {
    const row = findOne.get(id);
    if (!row) return null;
    const now = Date.now();
    const stream = replayStreamFor(row.group_name);
    ensureGroup.run(row.group_name, stream, now);
    appendEntry.run(stream, row.payload, now);
    deleteOne.run(id);
    return toDeadLetter(row);
  });

  return {
    deadLetter: (group: string, entry: StreamEntry, error: string) => deadLetter.immediate(group, entry, error),
    listDeadLetters: (group?: string, limit = 100): DeadLetter[] =>
      (group === undefined ? listAll.all(limit) : listGroup.all(group, limit)).map(toDeadLetter),
    replayDeadLetter: (id: string): DeadLetter | null => {
      const seq = parseSeq(id);
      const replayed = seq === null ? null : replay.immediate(seq);
      if (replayed) onAppended(replayStreamFor(replayed.group));
      return replayed;
    },
  };
}
