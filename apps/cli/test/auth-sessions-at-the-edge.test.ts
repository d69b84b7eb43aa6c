import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '@versaai/runtime';
import { tempDataDir, type TempDataDir } from '@versaai/testing';
import { createAuthService } from '@versaai/service-auth';
import { usersService } from '@versaai/service-users';
import { chatService } from '@versaai/service-chat';
import { aiService } from '@versaai/service-ai';
import { gateway } from '@versaai/service-gateway';
import { request } from './http-client.ts';

// Auth's sessions seen from the edge (all-in-one): what auth revokes, the gateway refuses at once.
describe('auth sessions and login throttling through the gateway (all-in-one)', () => {
  let dataDir: TempDataDir;
  let platform: RunningPlatform;
  const password = 'correct horse battery staple';

  beforeAll(async () => {
    dataDir = await tempDataDir();
    const env = {
      PORT: '0', HOST: '127.0.0.1', VERSAAI_DATA_DIR: dataDir.dir, LOG_LEVEL: 'silent', BUS_BLOCK_MS: '250',
      ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1', AUTH_LOGIN_FREE_ATTEMPTS: '2', AUTH_LOGIN_LOCK_AFTER: '4',
      // Strict rotation: the replay below comes at once, within the default reuse grace.
      AUTH_REFRESH_REUSE_GRACE: '0',
    };
    platform = await startPlatform({ services: [createAuthService({ env }), usersService, chatService, aiService], gateway, env });
  });

  afterAll(async () => {
    await platform?.stop();
    await dataDir?.remove();
  });

  const api = (path: string, init: Parameters<typeof request>[1] = {}) => request(`${platform.url}/api/auth${path}`, init);
  async function account(email: string) {
    expect((await api('/register', { body: { email, password } })).status).toBe(202);
    return { email, password };
  }

  it('refuses the access tokens of a family revoked for refresh-token reuse, at once', async () => {
    const login = await api('/login', { body: { ...(await account('reuse@example.com')), client: 'api' } });
    const rotated = await api('/refresh', { body: { refreshToken: login.body.refreshToken } });
    expect(rotated.status).toBe(200);
    const bearer = { authorization: `Bearer ${rotated.body.accessToken}` };
    expect((await api('/sessions', { headers: bearer })).status).toBe(200);

    const replay = await api('/refresh', { body: { refreshToken: login.body.refreshToken } });
    expect(replay.body.code).toBe('AUTH_REFRESH_REUSED');
    const refused = await api('/sessions', { headers: bearer });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('AUTH_SESSION_REVOKED');
  });

  it('keeps the web app signed in with the refresh cookie, and ends the session at the edge on logout', async () => {
    const login = await fetch(`${platform.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(await account('web@example.com')),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    // The cookie's Path=/api/auth reaches auth through the edge; the refresh sets the next one.
    const refreshed = await fetch(`${platform.url}/api/auth/refresh`, { method: 'POST', headers: { cookie } });
    expect(refreshed.status).toBe(200);
    const next = refreshed.headers.get('set-cookie')!.split(';')[0]!;
    expect(next).not.toBe(cookie);
    const bearer = { authorization: `Bearer ${((await refreshed.json()) as { accessToken: string }).accessToken}` };
    expect((await api('/sessions', { headers: bearer })).body.sessions).toHaveLength(1);

    const out = await api('/logout', { method: 'POST', headers: { cookie: next } });
    expect(out.status).toBe(204);
    expect((await api('/sessions', { headers: bearer })).body.code).toBe('AUTH_SESSION_REVOKED');
    expect((await api('/refresh', { method: 'POST', headers: { cookie: next } })).body.code).toBe('AUTH_REFRESH_INVALID');
  });

  it('answers repeated failed logins with 429 AUTH_TOO_MANY_ATTEMPTS and Retry-After, the right password included', async () => {
    const target = await account('guessed@example.com');
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api('/login', { body: { email: target.email, password: 'wrong wrong wrong' } })).status);
    expect(statuses).toEqual([401, 401, 401]);
    const waiting = await fetch(`${platform.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(target),
    });
    expect(waiting.status).toBe(429);
    expect(waiting.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(waiting.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await waiting.json()) as { code: string }).code).toBe('AUTH_TOO_MANY_ATTEMPTS');
  });
});
