import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeOnBothDialects, waitFor } from '@versaai/testing';
import { startAuthPlatform, type AuthPlatform } from './support/auth-platform.ts';

describeOnBothDialects('auth: account deletion and privacy export', (harness) => {
  let auth: AuthPlatform;

  beforeAll(async () => {
    auth = await startAuthPlatform(harness);
  });
  afterAll(async () => { await auth?.stop(); });

  /** Every table of auth's database, read whole: whatever the schema grows, the check covers it. */
  async function everyRow(): Promise<Record<string, unknown[]>> {
    const tables = harness.dialect === 'postgres'
      ? (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(auth.db)).rows
      : (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(auth.db)).rows;
    const all: Record<string, unknown[]> = {};
    for (const { name } of tables) all[name] = (await sql`select * from ${sql.table(name)}`.execute(auth.db)).rows;
    return all;
  }

  it('exports what auth holds about the caller, without secrets', async () => {
    await auth.register('ada@example.org', 'analytical engine');
    const session = await auth.login('ada@example.org', 'analytical engine');
    const { key } = (await auth.call(session, 'POST', '/api/auth/api-keys', { name: 'notes', scopes: ['chat:read'] })).json();
    const exported = await auth.call(session, 'GET', '/api/auth/privacy/export');
    expect(exported.statusCode, exported.body).toBe(200);
    const body = exported.json();
    expect(body).toMatchObject({
      email: 'ada@example.org', role: 'user', status: 'active', createdAt: expect.any(String), emailVerifiedAt: null, passwordChangedAt: null,
      apiKeys: [expect.objectContaining({ name: 'notes', scopes: ['chat:read'] })],
    });
    expect(body.sessions).toEqual([expect.objectContaining({ id: session.sessionId })]);
    const text = exported.body;
    expect(text).not.toContain(key.slice(-43));
    expect(text).not.toContain(session.refreshToken);
    expect(text).not.toMatch(/argon2|password_hash|secret_hash|token_hash/i);
    expect(text).not.toContain('secretHash');
  });

  it('deletes every auth row about the user in one go, publishes user.deleted and revokes every session and key', async () => {
    const email = 'charles@example.org';
    const userId = await auth.register(email, 'difference engine');
    const keep = await auth.register('keeper@example.org', 'difference engine');
    const first = await auth.login(email, 'difference engine');
    const second = await auth.login(email, 'difference engine');
    const { id: keyId } = (await auth.call(first, 'POST', '/api/auth/api-keys', { name: 'k', scopes: ['users:read'] })).json();
    await auth.platform.app.inject({ method: 'POST', url: '/api/auth/password-reset/request', payload: { email } });
    // A failed login leaves a throttle row keyed by the e-mail.
    expect((await auth.platform.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'not the password' } })).statusCode).toBe(401);
    const throttleKey = `acct:${createHash('sha256').update(email).digest('hex')}`;
    expect(await auth.db.selectFrom('login_attempts').select('key').where('key', '=', throttleKey).execute()).toHaveLength(1);
    expect(JSON.stringify(await everyRow())).toContain(userId);

    const wrong = await auth.call(first, 'DELETE', '/api/auth/account', { password: 'not the password' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('AUTH_CURRENT_PASSWORD_INVALID');
    expect(await auth.db.selectFrom('credentials').select('id').where('id', '=', userId).execute()).toHaveLength(1);

    const deleted = await auth.call(first, 'DELETE', '/api/auth/account', { password: 'difference engine' });
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect(String(deleted.headers['set-cookie'])).toMatch(/versaai_refresh=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i);

    const event = await auth.event<{ userId: string; deletedAt: string }>('user.deleted', (data) => data.userId === userId);
    expect(event.data).toEqual({ userId, deletedAt: expect.any(String) });
    for (const id of [first.sessionId, second.sessionId, `ak_${keyId}`]) expect(await auth.isRevoked(id)).toBe(true);

    // Once the relay has emptied the outbox, no table holds the user's id, e-mail or throttle key.
    const rows = await waitFor(async () => {
      const all = await everyRow();
      return (all.versaai_outbox ?? []).length === 0 ? all : undefined;
    });
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(userId);
    expect(dump).not.toContain(email);
    expect(dump).not.toContain(throttleKey);
    expect(Object.keys(rows)).toEqual(expect.arrayContaining(['credentials', 'sessions', 'refresh_tokens', 'api_keys', 'one_time_tokens', 'login_attempts']));
    // The other account is untouched.
    expect(dump).toContain(keep);

    // Idempotent: a retry (the token is still signed until it expires) finds nothing to do and publishes nothing.
    const again = await auth.call(second, 'DELETE', '/api/auth/account', { password: 'difference engine' });
    expect(again.statusCode).toBe(204);
    const login = await auth.platform.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'difference engine' } });
    expect(login.statusCode).toBe(401);
    const deletions = await auth.events<{ userId: string }>('user.deleted');
    expect(deletions.filter((e) => e.data.userId === userId)).toHaveLength(1);
  });
});
