import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, observeEvents, startServiceAlone, type ServiceAlone, type TestIssuer } from '@versaai/testing';
import { usersService } from '../src/index.ts';

// Distributed mode: the users service runs alone, behind a gateway it does not trust, and
// verifies every token itself against auth's JWKS (here a plain JWKS server).
describe('users: alone in its process, verifying tokens itself', () => {
  let alone: ServiceAlone;
  let issuer: TestIssuer;
  let platform: ServiceAlone['platform'];

  beforeAll(async () => {
    alone = await startServiceAlone([usersService]);
    ({ issuer, platform } = alone);
    const { context } = platform.services.get('users')!;
    // Plays auth's registration straight into the consumer's handler path: the profile table.
    await context.transaction(async (trx) => {
      await trx.insertInto('profiles').values({
        user_id: 'user-zt', email: 'zt@example.org', display_name: 'Zero Trust', created_at: '2025-01-01T00:00:00.000Z', updated_at: '2025-01-01T00:00:00.000Z',
      }).execute();
    });
  });

  afterAll(async () => {
    await alone?.stop();
  });

  const me = (authorization?: string) => fetch(`${platform.url}/api/users/me`, { headers: authorization ? { authorization } : {} });

  it('serves the caller with a token signed by auth', async () => {
    const response = await me(await issuer.bearer({ sub: 'user-zt' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ userId: 'user-zt', displayName: 'Zero Trust' });
  });

  it('refuses headers a gateway could set, tokens of another key, expired tokens and raw API keys', async () => {
    const anonymous = await fetch(`${platform.url}/api/users/me`, { headers: { 'x-user-id': 'user-zt', 'x-user-role': 'admin' } });
    expect(anonymous.status).toBe(401);
    const stranger = await createTestIssuer({ kid: issuer.kid });
    expect((await me(await stranger.bearer({ sub: 'user-zt' }))).status).toBe(401);
    const expired = await me(await issuer.bearer({ sub: 'user-zt', issuedAt: Math.floor(Date.now() / 1000) - 3_600 }));
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { code: string }).code).toBe('AUTH_TOKEN_EXPIRED');
    const apiKey = await me('Bearer vak_0123456789abcdef0123456789abcdef');
    expect(apiKey.status).toBe(401);
    const admin = await fetch(`${platform.url}/api/users/admin/users`, { headers: { authorization: await issuer.bearer({ sub: 'user-zt' }) } });
    expect(admin.status).toBe(403);
  });

  it('publishes user.updated from a patch in this process too', async () => {
    const response = await fetch(`${platform.url}/api/users/me`, {
      method: 'PATCH', headers: { authorization: await issuer.bearer({ sub: 'user-zt' }), 'content-type': 'application/json' },
      body: JSON.stringify({ locale: 'en' }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { locale: string }).locale).toBe('en');
    const observed = await observeEvents(alone.dataDir, ['user.updated']);
    try {
      expect((await observed.take(1)).map((event) => event.data)).toEqual([{ userId: 'user-zt', changes: { locale: 'en' } }]);
    } finally {
      await observed.close();
    }
  });
});
