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
      // Sorted here rather than by rowid: FTS5's shadow tables are WITHOUT ROWID.
      const rows = (await sql`select * from ${sql.table(name)}`.execute(db)).rows.map((row) => JSON.stringify(row)).sort();
      digests[`${service}.${name}`] = `${rows.length}:${createHash('sha256').update(rows.join('\n')).digest('hex')}`;
    }
  }
  return digests;
}
