import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEvent } from '@versaai/events';
import { describeOnBothDialects, waitFor } from '@versaai/testing';
import { startUsersPlatform, type UsersPlatform } from './users-platform.ts';

describeOnBothDialects('users: privacy export and erasure', (harness) => {
  let users: UsersPlatform;
  const carol = { sub: 'user-carol-0001' };
  const dave = { sub: 'user-dave-0002' };
  const admin = { sub: 'user-admin-0003', role: 'admin' as const };

  beforeAll(async () => {
    users = await startUsersPlatform(harness);
    for (const [person, email] of [[carol, 'carol@example.org'], [dave, 'dave@example.org'], [admin, 'admin@example.org']] as const) {
      await users.register(person.sub, email, 'Somebody');
      const patched = await users.call({
        method: 'PATCH', url: '/api/users/me', as: person,
        body: { timeZone: 'America/Bogota', avatarUrl: `https://cdn.example.org/${person.sub}.png`, preferences: { theme: 'light', defaultModel: 'gpt-oss-20b' } },
      });
      expect(patched.statusCode).toBe(200);
    }
    expect((await users.call({ method: 'POST', url: `/api/users/admin/users/${carol.sub}/disable`, as: admin })).statusCode).toBe(200);
    expect((await users.call({ method: 'POST', url: `/api/users/admin/users/${carol.sub}/enable`, as: admin })).statusCode).toBe(200);
  });

  afterAll(async () => {
    await users?.stop();
  });

  /** Every row of every table of the users database (events tables and migration bookkeeping included) that mentions `text`. */
  async function rowsMentioning(text: string): Promise<Array<{ table: string; row: unknown }>> {
    const tables = harness.dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(users.db)).rows.map((row) => row.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(users.db)).rows.map((row) => row.name);
    expect(tables).toEqual(expect.arrayContaining(['profiles', 'preferences', 'versaai_outbox', 'versaai_inbox']));
    const found: Array<{ table: string; row: unknown }> = [];
    for (const table of tables) {
      const rows = await users.db.selectFrom(table).selectAll().execute();
      for (const row of rows) if (JSON.stringify(row).includes(text)) found.push({ table, row });
    }
    return found;
  }

  it('exports everything the service holds about the caller, and nothing about anyone else', async () => {
    const response = await users.call({ url: '/api/users/privacy/export', as: carol });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({
      profile: {
        userId: carol.sub, email: 'carol@example.org', displayName: 'Somebody', avatarUrl: `https://cdn.example.org/${carol.sub}.png`,
        locale: null, timeZone: 'America/Bogota', role: 'user', status: 'active', createdAt: expect.any(String), updatedAt: expect.any(String),
      },
      preferences: { defaultModel: 'gpt-oss-20b', theme: 'light', notifications: { email: true, slack: false, push: false, inApp: true } },
    });
    expect(response.body).not.toContain(dave.sub);
  });

  it('exports to a person only: an API-key token is refused', async () => {
    const response = await users.call({ url: '/api/users/privacy/export', as: { ...carol, kind: 'api_key', sid: 'ak_9', scope: 'users:read' } });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('AUTH_SESSION_REQUIRED');
  });

  it('erases every row about a user on user.deleted, idempotently, and leaves other users alone', async () => {
    expect((await rowsMentioning(carol.sub)).map((found) => found.table)).toEqual(expect.arrayContaining(['profiles', 'preferences']));
    const deleted = createEvent('user.deleted', { userId: carol.sub, deletedAt: new Date().toISOString() }, { source: 'auth', key: carol.sub });
    await users.publish(deleted);
    await users.publish(deleted);
    await users.publish(createEvent('user.deleted', { userId: carol.sub, deletedAt: new Date().toISOString() }, { source: 'auth', key: carol.sub }));
    // The outbox is emptied by the relay once its events are on the bus; wait for both.
    const remaining = await waitFor(async () => {
      const found = await rowsMentioning(carol.sub);
      return found.length === 0 ? found : undefined;
    }, { timeoutMs: 15_000 }).catch(async () => rowsMentioning(carol.sub));
    expect(remaining).toEqual([]);
    expect((await rowsMentioning(dave.sub)).map((found) => found.table).sort()).toEqual(['preferences', 'profiles']);

    expect((await users.call({ url: '/api/users/me', as: carol })).statusCode).toBe(404);
    expect((await users.call({ url: '/api/users/privacy/export', as: carol })).json()).toEqual({ profile: null, preferences: null });
    expect((await users.call({ url: '/api/users/me', as: dave })).json().preferences.theme).toBe('light');
  });
});
