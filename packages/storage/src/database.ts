import type { Kysely } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/** One service's database: a SQLite file, or the service's own schema in PostgreSQL. */
export interface Database {
  db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- each service types its own tables
  dialect: Dialect;
  service: string;
  /** PostgreSQL schema every connection's search_path points at; null on SQLite. */
  schema: string | null;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  service: string;
  /** postgres://… selects PostgreSQL; empty, sqlite:… or file:… selects a SQLite file. */
  databaseUrl?: string;
  /** Where SQLite files live (`<dataDir>/<service>.db`). */
  dataDir: string;
  /** PostgreSQL pool size (default 10). */
  poolMax?: number;
}
