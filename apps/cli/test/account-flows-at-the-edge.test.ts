import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '@versaai/runtime';
import { tempDataDir, waitFor, type TempDataDir } from '@versaai/testing';
import { createOrPromoteAdmin } from '@versaai/service-auth';
import { allServices, gateway } from '../src/services.ts';
import { registerAndAwaitProfile, request } from './http-client.ts';

// Auth's account flows as the edge sees them, in the all-in-one process: API keys exchanged by
// the gateway, and an admin's disable (users service) reaching auth through user.updated.
describe('account flows through the all-in-one gateway', () => {
  let dataDir: TempDataDir;
  let platform: RunningPlatform;

  beforeAll(async () => {
    dataDir = await tempDataDir();
    platform = await startPlatform({
      services: allServices,
      gateway,
      env: { PORT: '0', HOST: '127.0.0.1', VERSAAI_DATA_DIR: dataDir.dir, LOG_LEVEL: 'silent', BUS_BLOCK_MS: '250', ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' },
    });
  });
  afterAll(async () => {
    await platform?.stop();
    await dataDir?.remove();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('an API key works at the edge within its scopes and stops at once when revoked', async () => {
    const { userId, authorization } = await registerAndAwaitProfile(platform.url, 'script-owner@example.com', waitFor);
    const created = await request(`${platform.url}/api/auth/api-keys`, { headers: { authorization }, body: { name: 'reader', scopes: ['users:read'] } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { id, key } = created.body;

    const me = await request(`${platform.url}/api/users/me`, { headers: bearer(key) });
    expect(me.status, JSON.stringify(me.body)).toBe(200);
    expect(me.body.userId ?? me.body.id).toBe(userId);
    const write = await request(`${platform.url}/api/users/me`, { method: 'PATCH', headers: bearer(key), body: { displayName: 'Bot' } });
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('AUTH_SCOPE_MISSING');
    const manage = await request(`${platform.url}/api/auth/api-keys`, { headers: bearer(key) });
    expect(manage.status).toBe(403);
    expect(manage.body.code).toBe('AUTH_SESSION_REQUIRED');

    expect((await request(`${platform.url}/api/auth/api-keys/${id}`, { method: 'DELETE', headers: { authorization } })).status).toBe(204);
    const after = await request(`${platform.url}/api/users/me`, { headers: bearer(key) });
    expect(after.status).toBe(401);
    const bogus = await request(`${platform.url}/api/users/me`, { headers: bearer(`${key.slice(0, -2)}xx`) });
    expect(bogus.status).toBe(401);
    expect(bogus.body.code).toBe('AUTH_API_KEY_INVALID');
  });

  it("an admin's disable stops the user's tokens at the edge at once and login is refused", async () => {
    const auth = platform.services.get('auth')!.context;
    await createOrPromoteAdmin(auth.db, {
      email: 'root@example.com', password: async () => 'an admin password 1', checkPassword: () => undefined,
      argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
    });
    const adminLogin = async () => {
      const login = await request(`${platform.url}/api/auth/login`, { body: { email: 'root@example.com', password: 'an admin password 1' } });
      return login.status === 200 && login.body.user.role === 'admin' ? login.body.accessToken as string : undefined;
    };
    // The relay publishes the bootstrap events; the users service projects the role.
    const admin = await waitFor(async () => {
      const token = await adminLogin();
      if (!token) return undefined;
      const listed = await request(`${platform.url}/api/users/admin/users`, { headers: bearer(token) });
      return listed.status === 200 ? token : undefined;
    }, { timeoutMs: 20_000 });

    const { userId, authorization } = await registerAndAwaitProfile(platform.url, 'victim@example.com', waitFor);
    const { key } = (await request(`${platform.url}/api/auth/api-keys`, { headers: { authorization }, body: { name: 'k', scopes: ['users:read'] } })).body;
    expect((await request(`${platform.url}/api/users/me`, { headers: bearer(key) })).status).toBe(200);

    const disabled = await request(`${platform.url}/api/users/admin/users/${userId}/disable`, { method: 'POST', headers: bearer(admin) });
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
    // user.updated reaches auth, which revokes sessions and keys on the list the edge reads.
    const refused = await waitFor(async () => {
      const response = await request(`${platform.url}/api/users/me`, { headers: { authorization } });
      return response.status === 401 ? response : undefined;
    });
    expect(refused.body.code).toBe('AUTH_SESSION_REVOKED');
    const keyRefused = await request(`${platform.url}/api/users/me`, { headers: bearer(key) });
    expect(keyRefused.status).toBe(401);
    expect(keyRefused.body.code).toBe('AUTH_SESSION_REVOKED');
    const login = await request(`${platform.url}/api/auth/login`, { body: { email: 'victim@example.com', password: 'correct horse battery' } });
    expect(login.status).toBe(403);
    expect(login.body.code).toBe('AUTH_ACCOUNT_DISABLED');
  });
});
