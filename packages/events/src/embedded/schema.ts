import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Tables of the embedded bus. Entry ids are one global AUTOINCREMENT sequence (never reused,
 * even after trimming), exposed as strings; order within a stream is the sequence order.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS bus_entries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  stream TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS bus_entries_by_stream ON bus_entries (stream, seq);
CREATE TABLE IF NOT EXISTS bus_groups (
  group_name TEXT NOT NULL,
  stream TEXT NOT NULL,
  last_delivered_seq INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (group_name, stream)
);
CREATE TABLE IF NOT EXISTS bus_consumers (
  group_name TEXT NOT NULL,
  stream TEXT NOT NULL,
  consumer TEXT NOT NULL,
  seen_at INTEGER NOT NULL,
  PRIMARY KEY (group_name, stream, consumer)
);
CREATE TABLE IF NOT EXISTS bus_pending (
  group_name TEXT NOT NULL,
  stream TEXT NOT NULL,
  seq INTEGER NOT NULL,
  consumer TEXT NOT NULL,
  delivered_at INTEGER NOT NULL,
  deliveries INTEGER NOT NULL,
  PRIMARY KEY (group_name, stream, seq)
);
CREATE INDEX IF NOT EXISTS bus_pending_by_age ON bus_pending (group_name, stream, delivered_at);
CREATE TABLE IF NOT EXISTS bus_dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  group_name TEXT NOT NULL,
  stream TEXT NOT NULL,
  entry_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  error TEXT NOT NULL,
  deliveries INTEGER NOT NULL,
  failed_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS bus_dead_letters_by_group ON bus_dead_letters (group_name, id);
`;

export function openBusDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // WAL + NORMAL: a commit survives a process crash; only an OS crash can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}
