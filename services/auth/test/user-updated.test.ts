import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEvent } from '@versaai/events';
import { describeOnBothDialects, waitFor } from '@versaai/testing';
import { startAuthPlatform, type AuthPlatform } from './support/auth-platform.ts';

describeOnBothDialects('auth: user.updated (role and status from the users service)', (harness) => {
  let auth: AuthPlatform;

  beforeAll(async () => {
    auth = await startAuthPlatform(harness);
  });
  afterAll(async () => { await auth?.stop(); });

  const credential = (userId: string) => auth.db.selectFrom('credentials').select(['role', 'status']).where('id', '=', userId).executeTakeFirstOrThrow();
  const publishChanges = (userId: string, changes: Record<string, unknown>) =>
    auth.publish(createEvent('user.updated', { userId, changes }, { source: 'users', key: userId }));
  const login = (email: string, password: string) => auth.platform.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password, client: 'api' } });

  it('disabling signs the user out everywhere: sessions, refresh, API keys; login is refused until enabled again', async () => {
    const userId = await auth.register('mallory@example.org', 'eavesdropping 101');
    const first = await auth.login('mallory@example.org', 'eavesdropping 101');
    const second = await auth.login('mallory@example.org', 'eavesdropping 101');
    const { id: keyId, key } = (await auth.call(first, 'POST', '/api/auth/api-keys', { name: 'script', scopes: ['users:read'] })).json();

    await publishChanges(userId, { status: 'disabled', displayName: 'ignored here' });
    await waitFor(async () => ((await credential(userId)).status === 'disabled' ? true : undefined));

    for (const id of [first.sessionId, second.sessionId, `ak_${keyId}`]) expect(await auth.isRevoked(id)).toBe(true);
    const refresh = await auth.platform.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: first.refreshToken } });
    expect(refresh.statusCode).toBe(401);
    expect(await auth.db.selectFrom('api_keys').select('id').where('user_id', '=', userId).execute()).toEqual([]);
    const exchange = await auth.platform.app.inject({ method: 'POST', url: '/api/auth/api-keys/exchange', payload: { apiKey: key } });
    expect(exchange.statusCode).toBe(401);
    const refused = await login('mallory@example.org', 'eavesdropping 101');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('AUTH_ACCOUNT_DISABLED');

    await publishChanges(userId, { status: 'active' });
    await waitFor(async () => ((await credential(userId)).status === 'active' ? true : undefined));
    expect((await login('mallory@example.org', 'eavesdropping 101')).statusCode).toBe(200);
  });

  it('a role change is projected and ends the sessions, so no token keeps the old role', async () => {
    const userId = await auth.register('trent@example.org', 'trusted third party');
    const session = await auth.login('trent@example.org', 'trusted third party');
    await publishChanges(userId, { role: 'admin' });
    await waitFor(async () => ((await credential(userId)).role === 'admin' ? true : undefined));
    expect(await auth.isRevoked(session.sessionId)).toBe(true);
    const refresh = await auth.platform.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: session.refreshToken } });
    expect(refresh.statusCode).toBe(401);
    const again = await login('trent@example.org', 'trusted third party');
    expect(again.json().user.role).toBe('admin');
  });

  it('ignores changes it does not project and users it does not know', async () => {
    const userId = await auth.register('peggy@example.org', 'zero knowledge 1');
    const session = await auth.login('peggy@example.org', 'zero knowledge 1');
    await publishChanges('no-such-user', { status: 'disabled' });
    await publishChanges(userId, { locale: 'es', role: 'superuser', status: 'gone' });
    // A later change of the same user is applied in order: once it shows, the earlier ones were handled.
    await publishChanges(userId, { role: 'user' });
    await waitFor(async () => {
      const handled = auth.logs.filter((line) => line.msg === 'credential role/status updated' && line.userId === userId);
      return handled.length >= 1 ? true : undefined;
    });
    expect(await credential(userId)).toEqual({ role: 'user', status: 'active' });
    expect(await auth.isRevoked(session.sessionId)).toBe(false);
  });
});
