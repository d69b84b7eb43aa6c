import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { RunningPlatform } from '@versaai/runtime';

/** A digest of every row of every table of every service database (SQLite, all-in-one). */
export async function snapshotRows(platform: RunningPlatform): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const [service, hosted] of platform.services) {
    const db = hosted.context.db as Kysely<unknown>;
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
    for (const { name } of tables.rows) {
      const rows = await sql`select * from ${sql.table(name)} order by rowid`.execute(db);
      digests[`${service}.${name}`] = `${rows.rows.length}:${createHash('sha256').update(JSON.stringify(rows.rows)).digest('hex')}`;
    }
  }
  return digests;
}
