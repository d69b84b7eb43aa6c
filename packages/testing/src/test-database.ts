import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { postgresTestUrl } from './service-urls.ts';

export interface TestDatabase { url: string; name: string; drop(): Promise<void> }

// CREATE DATABASE copies template1 and fails while another session is connected to it,
// which happens when several test files create databases at the same time.
const TEMPLATE_BUSY = '55006';

async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresTestUrl(), connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function createDatabase(client: pg.Client, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`create database "${name}"`);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== TEMPLATE_BUSY || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** A fresh, empty PostgreSQL database; `drop()` removes it even while connections are open. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `versaai_t_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => createDatabase(client, name));
  const url = new URL(postgresTestUrl());
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdminClient((client) => client.query(`drop database if exists "${name}" with (force)`));
    },
  };
}
