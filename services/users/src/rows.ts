import type { Kysely } from 'kysely';

export type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the users tables are typed by their row interfaces

// PostgreSQL returns timestamptz as Date, SQLite stores ISO text: the API always gets ISO text.
export function iso(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}
