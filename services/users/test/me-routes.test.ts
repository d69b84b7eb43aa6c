import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '@versaai/storage';
import { describeOnBothDialects } from '@versaai/testing';
import { startUsersPlatform, type UsersPlatform } from './users-platform.ts';

describeOnBothDialects('users: GET/PATCH /api/users/me', (harness) => {
  let users: UsersPlatform;
  const alice = { sub: 'user-alice' };

  beforeAll(async () => {
    users = await startUsersPlatform(harness);
    await users.register(alice.sub, 'alice@example.org', 'Alice');
    await users.register('user-bob', 'bob@example.org', 'Bob');
  });

  afterAll(async () => {
    await users?.stop();
  });

  const patchMe = (body: unknown, as = alice, headers?: Record<string, string>) => users.call({ method: 'PATCH', url: '/api/users/me', as, body, headers });

  it('returns the caller profile with default preferences', async () => {
    const response = await users.call({ url: '/api/users/me', as: alice });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      userId: 'user-alice', email: 'alice@example.org', displayName: 'Alice', avatarUrl: null, locale: null, timeZone: null,
      role: 'user', status: 'active', createdAt: expect.any(String), updatedAt: expect.any(String),
      preferences: { defaultModel: null, theme: 'system', notifications: { email: true, slack: false, push: false, inApp: true } },
    });
  });

  it('answers a repeated read with the same bytes, and sees a change another process writes to its database at once', async () => {
    const first = await users.call({ url: '/api/users/me', as: { sub: 'user-bob' } });
    const again = await users.call({ url: '/api/users/me', as: { sub: 'user-bob' } });
    expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(again.body).toBe(first.body);
    // Another connection on the same database: what the CLI or another replica would be.
    const other = await openDatabase({ service: 'users', dataDir: harness.dataDir, databaseUrl: harness.databaseUrl });
    try {
      await other.db.updateTable('profiles').set({ display_name: 'Robert' }).where('user_id', '=', 'user-bob').execute();
      expect((await users.call({ url: '/api/users/me', as: { sub: 'user-bob' } })).json()).toMatchObject({ displayName: 'Robert' });
      await other.db.updateTable('profiles').set({ display_name: 'Bob' }).where('user_id', '=', 'user-bob').execute();
      expect((await users.call({ url: '/api/users/me', as: { sub: 'user-bob' } })).body).toBe(first.body);
    } finally {
      await other.close();
    }
  });

  it('answers 401 AUTH_REQUIRED without a token and 401 AUTH_TOKEN_INVALID with a forged one', async () => {
    const anonymous = await users.call({ url: '/api/users/me' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe('AUTH_REQUIRED');
    const token = await users.issuer.sign(alice);
    const [header, payload] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'user-bob' })).toString('base64url')}.${token.split('.')[2]}`;
    const response = await users.call({ url: '/api/users/me', headers: { authorization: `Bearer ${forged}` } });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('AUTH_TOKEN_INVALID');
  });

  it('refuses an anonymous PATCH before looking at its body', async () => {
    const response = await users.call({ method: 'PATCH', url: '/api/users/me', body: { displayName: 42 } });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('AUTH_REQUIRED');
  });

  it('answers 404 USER_NOT_FOUND for a valid token whose profile does not exist (yet)', async () => {
    const response = await users.call({ url: '/api/users/me', as: { sub: 'user-unregistered' } });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('USER_NOT_FOUND');
  });

  it('applies a merge patch and publishes user.updated with only what changed', async () => {
    const response = await patchMe({
      displayName: '  Alice Liddell ', avatarUrl: 'https://cdn.example.org/a.png', locale: 'es', timeZone: 'europe/madrid',
      preferences: { theme: 'dark', notifications: { push: true, email: true } },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      displayName: 'Alice Liddell', avatarUrl: 'https://cdn.example.org/a.png', locale: 'es', timeZone: 'Europe/Madrid',
      preferences: { defaultModel: null, theme: 'dark', notifications: { email: true, slack: false, push: true, inApp: true } },
    });
    const [event, ...more] = await users.published(1);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ type: 'user.updated', source: 'users', key: 'user-alice' });
    // email was already true: not a change.
    expect(event!.data).toEqual({
      userId: 'user-alice',
      changes: {
        displayName: 'Alice Liddell', avatarUrl: 'https://cdn.example.org/a.png', locale: 'es', timeZone: 'Europe/Madrid',
        preferences: { theme: 'dark', notifications: { push: true } },
      },
    });
    expect((await users.call({ url: '/api/users/me', as: alice })).json()).toEqual(response.json());
  });

  it('clears nullable fields with null and publishes nothing for a patch that changes nothing', async () => {
    expect((await patchMe({ displayName: 'Alice Liddell', preferences: { theme: 'dark' } })).statusCode).toBe(200);
    expect((await patchMe({})).statusCode).toBe(200);
    const cleared = await patchMe({ avatarUrl: null, locale: null }, alice, { 'content-type': 'application/merge-patch+json' });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json()).toMatchObject({ displayName: 'Alice Liddell', avatarUrl: null, locale: null, timeZone: 'Europe/Madrid' });
    // The outbox keeps order: had the no-op patches published anything, it would come first.
    const events = await users.published(1);
    expect(events.map((event) => event.data)).toEqual([{ userId: 'user-alice', changes: { avatarUrl: null, locale: null } }]);
  });

  it.each([
    { body: { displayName: '' }, path: 'body.displayName' },
    { body: { displayName: 'x'.repeat(81) }, path: 'body.displayName' },
    { body: { displayName: '   ' }, path: 'body.displayName' },
    { body: { displayName: 'evil\u202eeman' }, path: 'body.displayName' },
    { body: { displayName: 42 }, path: 'body.displayName' },
    { body: { avatarUrl: 'http://cdn.example.org/a.png' }, path: 'body.avatarUrl' },
    { body: { avatarUrl: 'javascript:alert(1)' }, path: 'body.avatarUrl' },
    { body: { avatarUrl: 'https://user:pw@cdn.example.org/a.png' }, path: 'body.avatarUrl' },
    { body: { avatarUrl: `https://cdn.example.org/${'a'.repeat(2048)}` }, path: 'body.avatarUrl' },
    { body: { locale: 'fr' }, path: 'body.locale' },
    { body: { timeZone: 'Mars/Olympus_Mons' }, path: 'body.timeZone' },
    { body: { timeZone: '+01:00' }, path: 'body.timeZone' },
    { body: { role: 'admin' }, path: 'body.role' },
    { body: { status: 'active' }, path: 'body.status' },
    { body: { email: 'new@example.org' }, path: 'body.email' },
    { body: { preferences: { theme: 'neon' } }, path: 'body.preferences.theme' },
    { body: { preferences: { theme: null } }, path: 'body.preferences.theme' },
    { body: { preferences: { defaultModel: 'm'.repeat(101) } }, path: 'body.preferences.defaultModel' },
    { body: { preferences: { notifications: { email: 'yes' } } }, path: 'body.preferences.notifications.email' },
    { body: { preferences: { notifications: { fax: true } } }, path: 'body.preferences.notifications.fax' },
  ])('rejects an invalid $path with 400 VALIDATION_FAILED', async ({ body, path }) => {
    const before = (await users.call({ url: '/api/users/me', as: alice })).json();
    const response = await patchMe(body);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(response.json().errors.map((error: { path: string }) => error.path)).toContain(path);
    expect((await users.call({ url: '/api/users/me', as: alice })).json()).toEqual(before);
  });

  it('rejects a body that is not an object, and prototype-pollution keys', async () => {
    expect((await patchMe([1, 2])).json().code).toBe('VALIDATION_FAILED');
    const polluted = await users.call({
      method: 'PATCH', url: '/api/users/me', as: alice, headers: { 'content-type': 'application/json' },
      body: '{"__proto__":{"role":"admin"}}',
    });
    expect(polluted.statusCode).toBe(400);
    expect((await users.call({ url: '/api/users/me', as: alice })).json().role).toBe('user');
  });

  it('serves GET /api/users/:id for the caller own id only; any other id is 404 like an unknown one', async () => {
    const own = await users.call({ url: '/api/users/user-alice', as: alice });
    expect(own.statusCode).toBe(200);
    expect(own.json().email).toBe('alice@example.org');
    const other = await users.call({ url: '/api/users/user-bob', as: alice });
    expect(other.statusCode).toBe(404);
    expect(other.json()).toMatchObject({ code: 'USER_NOT_FOUND' });
    expect(other.body).not.toContain('bob@example.org');
    expect((await users.call({ url: '/api/users/user-bob' })).statusCode).toBe(401);
  });

  it('lets API keys read with users:read, write only with users:write', async () => {
    const reader = { sub: 'user-alice', kind: 'api_key' as const, sid: 'ak_1', scope: 'users:read' };
    expect((await users.call({ url: '/api/users/me', as: reader })).statusCode).toBe(200);
    const denied = await patchMe({ locale: 'en' }, reader);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('AUTH_SCOPE_MISSING');
    const writer = { ...reader, scope: 'users:read users:write' };
    expect((await patchMe({ locale: 'en' }, writer)).json().locale).toBe('en');
    expect((await users.published(1)).map((event) => event.data)).toEqual([{ userId: 'user-alice', changes: { locale: 'en' } }]);
  });

  it('keeps the last write of concurrent patches and both changes', async () => {
    const results = await Promise.all([
      patchMe({ preferences: { defaultModel: 'llama-3.1-8b' } }),
      patchMe({ preferences: { notifications: { slack: true } } }),
    ]);
    expect(results.map((result) => result.statusCode)).toEqual([200, 200]);
    const me = (await users.call({ url: '/api/users/me', as: alice })).json();
    expect(me.preferences).toMatchObject({ defaultModel: 'llama-3.1-8b', notifications: { slack: true } });
    const changes = (await users.published(2)).map((event) => (event.data as { changes: unknown }).changes);
    expect(changes).toEqual(expect.arrayContaining([
      { preferences: { defaultModel: 'llama-3.1-8b' } }, { preferences: { notifications: { slack: true } } },
    ]));
  });
});
