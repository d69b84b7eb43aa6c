import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Database } from './database.ts';
import { registerDirectPostgresReads } from './direct-postgres-reads.ts';

const INT8_OID = 20;
const DUPLICATE_SCHEMA = '42P06';
const UNIQUE_VIOLATION = '23505';

// count(*) and bigint columns come back as numbers, as they do on SQLite, so repository code
// behaves the same on both dialects. Values beyond 2^53 are not used by this platform.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/** The URL's own `options` startup parameter (if any) plus our search_path. */
function connectionSettings(databaseUrl: string, schema: string): { connectionString: string; options: string } {
  const url = new URL(databaseUrl);
  const existing = url.searchParams.get('options');
  url.searchParams.delete('options');
  const searchPath = `-c search_path=${schema}`;
  return { connectionString: url.toString(), options: existing ? `${existing} ${searchPath}` : searchPath };
}

async function ensureSchema(pool: pg.Pool, schema: string): Promise<void> {
  try {
    await pool.query(`create schema if not exists "${schema}"`);
  } catch (error) {
    // Two processes creating the schema at the same moment: one of them loses the race harmlessly.
    const code = (error as { code?: string }).code;
    if (code !== DUPLICATE_SCHEMA && code !== UNIQUE_VIOLATION) throw error;
  }
}

export async function openPostgresDatabase(service: string, databaseUrl: string, poolMax: number): Promise<Database> {
  const schema = service;
  const pool = new pg.Pool({ ...connectionSettings(databaseUrl, schema), max: poolMax, types });
  // An idle client losing its server emits 'error' on the pool; without a listener Node would
  // crash. The pool drops that client and the next query opens a fresh connection.
  pool.on('error', () => {});
  try {
    await ensureSchema(pool, schema);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) }); // eslint-disable-line @typescript-eslint/no-explicit-any
  registerDirectPostgresReads(db, pool);
  let closed: Promise<void> | undefined;
  return {
    db,
    dialect: 'postgres',
    service,
    schema,
    async ping() {
      await sql`select 1`.execute(db);
    },
    close() {
      closed ??= db.destroy();
      return closed;
    },
  };
}
