import type { Kysely } from 'kysely';

export type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the chat tables are typed by their row interfaces

// PostgreSQL returns timestamptz as Date, SQLite stores ISO text: the API always gets ISO text.
export function iso(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

/** SQLite has no boolean and better-sqlite3 cannot bind one: flags are stored as 0/1 on both dialects. */
export function flag(value: boolean): number {
  return value ? 1 : 0;
}
