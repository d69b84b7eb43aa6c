import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { describeOnBothDialects } from '@versaai/testing';
import { startAuthPlatform, type AuthPlatform, type Session } from './support/auth-platform.ts';

describeOnBothDialects('auth: API keys', (harness) => {
  let auth: AuthPlatform;
  let owner: Session;
  let stranger: Session;
  let ownerId: string;

  beforeAll(async () => {
    auth = await startAuthPlatform(harness);
    ownerId = await auth.register('alan@example.org', 'universal machine 1');
    await auth.register('other@example.org', 'universal machine 2');
    owner = await auth.login('alan@example.org', 'universal machine 1');
    stranger = await auth.login('other@example.org', 'universal machine 2');
  });
  afterAll(async () => { await auth?.stop(); });

  const create = (session: Session | string, payload: unknown) => auth.call(session, 'POST', '/api/auth/api-keys', payload);
  const exchange = (apiKey: string) => auth.platform.app.inject({ method: 'POST', url: '/api/auth/api-keys/exchange', payload: { apiKey } });

  it('creates a key shown once, stores only its hash, and lists it without the secret', async () => {
    const created = await create(owner, { name: 'ci', scopes: ['users:read', 'chat:write'], expiresInDays: 30 });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json();
    expect(body.key).toMatch(new RegExp(`^vak_${body.id}_[A-Za-z0-9_-]{43}$`));
    expect(body).toMatchObject({ name: 'ci', scopes: ['chat:write', 'users:read'], prefix: `vak_${body.id}`, lastUsedAt: null });
    expect(Date.parse(body.expiresAt) - Date.parse(body.createdAt)).toBe(30 * 86_400_000);

    const row = await auth.db.selectFrom('api_keys').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    const secret = body.key.slice(`vak_${body.id}_`.length);
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(secret);

    const listed = await auth.call(owner, 'GET', '/api/auth/api-keys');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().apiKeys).toEqual([{
      id: body.id, name: 'ci', scopes: ['chat:write', 'users:read'], prefix: `vak_${body.id}`, createdAt: body.createdAt, lastUsedAt: null, expiresAt: body.expiresAt,
    }]);
    expect(listed.body).not.toContain(secret);
    expect((await auth.call(stranger, 'GET', '/api/auth/api-keys')).json().apiKeys).toEqual([]);
  });

  it.each([
    [{ name: 'x', scopes: ['admin:everything'] }],
    [{ name: 'x', scopes: [] }],
    [{ name: 'x', scopes: ['users:read', 'users:read'] }],
    [{ name: '', scopes: ['users:read'] }],
    [{ name: 'x', scopes: ['users:read'], expiresInDays: 0 }],
  ])('refuses %j with 400', async (payload) => {
    const refused = await create(owner, payload);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().code).toBe('VALIDATION_FAILED');
  });

  it('exchanges a key for an access token carrying its scopes, the owner role and sid ak_<id>', async () => {
    const { id, key } = (await create(owner, { name: 'bot', scopes: ['ai:use'] })).json();
    const exchanged = await exchange(key);
    expect(exchanged.statusCode, exchanged.body).toBe(200);
    const body = exchanged.json();
    expect(body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
    const claims = decodeJwt(body.accessToken);
    expect(claims).toMatchObject({ sub: ownerId, role: 'user', sid: `ak_${id}`, kind: 'api_key', scope: 'ai:use' });
    // The token works on routes open to API keys and is refused on credential routes.
    const manage = await auth.call(body.accessToken, 'GET', '/api/auth/api-keys');
    expect(manage.statusCode).toBe(403);
    expect(manage.json().code).toBe('AUTH_SESSION_REQUIRED');
    const lastUsed = await auth.db.selectFrom('api_keys').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(lastUsed.last_used_at).not.toBeNull();
  });

  it('answers 401 AUTH_API_KEY_INVALID for unknown, tampered, expired and revoked keys', async () => {
    const { id, key } = (await create(owner, { name: 'short-lived', scopes: ['users:read'] })).json();
    const tampered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    const unknown = `vak_00000000-0000-7000-8000-000000000000_${key.slice(-43)}`;
    for (const bad of [tampered, unknown, 'vak_nonsense', 'not even a key']) {
      const refused = await exchange(bad);
      expect(refused.statusCode).toBe(401);
      expect(refused.json().code).toBe('AUTH_API_KEY_INVALID');
    }
    await auth.db.updateTable('api_keys').set({ expires_at: new Date(Date.now() - 1_000).toISOString() }).where('id', '=', id).execute();
    expect((await exchange(key)).statusCode).toBe(401);

    const { id: liveId, key: live } = (await create(owner, { name: 'to revoke', scopes: ['users:read'] })).json();
    expect((await exchange(live)).statusCode).toBe(200);
    // Another user's key id: 404, as if it did not exist, and it keeps working.
    const foreign = await auth.call(stranger, 'DELETE', `/api/auth/api-keys/${liveId}`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('AUTH_API_KEY_NOT_FOUND');
    expect((await exchange(live)).statusCode).toBe(200);

    expect((await auth.call(owner, 'DELETE', `/api/auth/api-keys/${liveId}`)).statusCode).toBe(204);
    expect(await auth.isRevoked(`ak_${liveId}`)).toBe(true);
    const revoked = await exchange(live);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().code).toBe('AUTH_API_KEY_INVALID');
    expect((await auth.call(owner, 'DELETE', `/api/auth/api-keys/${liveId}`)).statusCode).toBe(404);
    expect((await auth.call(owner, 'GET', '/api/auth/api-keys')).json().apiKeys.map((listed: { id: string }) => listed.id)).not.toContain(liveId);
  });

  it('refuses API-key management to anonymous callers and to API-key tokens', async () => {
    expect((await auth.platform.app.inject({ method: 'GET', url: '/api/auth/api-keys' })).statusCode).toBe(401);
    const { key } = (await create(owner, { name: 'automation', scopes: ['users:write'] })).json();
    const token = (await exchange(key)).json().accessToken;
    const refused = await create(token, { name: 'child', scopes: ['users:write'] });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('AUTH_SESSION_REQUIRED');
  });
});
