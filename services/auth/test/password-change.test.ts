import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBothDialects } from '@versaai/testing';
import { startAuthPlatform, type AuthPlatform } from './support/auth-platform.ts';

describeOnBothDialects('auth: POST /api/auth/password', (harness) => {
  let auth: AuthPlatform;
  let userId: string;
  const email = 'barbara@example.org';

  beforeAll(async () => {
    auth = await startAuthPlatform(harness);
    userId = await auth.register(email, 'liskov substitution');
  });
  afterAll(async () => { await auth?.stop(); });

  const change = (token: string, currentPassword: string, newPassword: string) =>
    auth.call(token, 'POST', '/api/auth/password', { currentPassword, newPassword });

  it('refuses a wrong current password and a weak new one, changing nothing', async () => {
    const session = await auth.login(email, 'liskov substitution');
    const wrong = await change(session.accessToken, 'not my password', 'a perfectly fine one');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('AUTH_CURRENT_PASSWORD_INVALID');
    const weak = await change(session.accessToken, 'liskov substitution', 'short');
    expect(weak.json()).toMatchObject({ code: 'AUTH_PASSWORD_TOO_WEAK', reason: 'too_short' });
    expect((await auth.platform.app.inject({ method: 'POST', url: '/api/auth/password', payload: { currentPassword: 'a', newPassword: 'b' } })).statusCode).toBe(401);
    await auth.login(email, 'liskov substitution');
  });

  it('changes the password and revokes every other session, keeping the current one', async () => {
    const here = await auth.login(email, 'liskov substitution');
    const elsewhere = await auth.login(email, 'liskov substitution');
    const done = await change(here.accessToken, 'liskov substitution', 'abstract data types');
    expect(done.statusCode, done.body).toBe(204);

    expect(await auth.isRevoked(elsewhere.sessionId)).toBe(true);
    expect(await auth.isRevoked(here.sessionId)).toBe(false);
    // Its access token, still signed and unexpired, no longer manages credentials (even with no gateway in front).
    const stale = await change(elsewhere.accessToken, 'abstract data types', 'yet another password');
    expect(stale.statusCode).toBe(401);
    expect(stale.json().code).toBe('AUTH_SESSION_REVOKED');
    expect((await auth.call(elsewhere, 'GET', '/api/auth/api-keys')).statusCode).toBe(401);
    const refreshElsewhere = await auth.platform.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: elsewhere.refreshToken } });
    expect(refreshElsewhere.statusCode).toBe(401);
    const refreshHere = await auth.platform.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: here.refreshToken } });
    expect(refreshHere.statusCode, refreshHere.body).toBe(200);

    const active = await auth.db.selectFrom('sessions').select('id').where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    expect(active.map((row) => row.id)).toEqual([here.sessionId]);
    const credential = await auth.db.selectFrom('credentials').select('password_changed_at').where('id', '=', userId).executeTakeFirstOrThrow();
    expect(credential.password_changed_at).not.toBeNull();
    await auth.login(email, 'abstract data types');
    const old = await auth.platform.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'liskov substitution' } });
    expect(old.statusCode).toBe(401);
  });
});
