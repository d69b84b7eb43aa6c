import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '@versaai/runtime';
import { tempDataDir, waitFor, type TempDataDir } from '@versaai/testing';
import { allServices, gateway } from '../src/services.ts';
import { registerAndAwaitProfile, request } from './http-client.ts';

describe('all-in-one platform (SQLite + embedded bus, one process)', () => {
  let dataDir: TempDataDir;
  let platform: RunningPlatform;

  beforeAll(async () => {
    dataDir = await tempDataDir();
    platform = await startPlatform({
      services: allServices,
      gateway,
      env: { PORT: '0', HOST: '127.0.0.1', VERSAAI_DATA_DIR: dataDir.dir, LOG_LEVEL: 'silent', BUS_BLOCK_MS: '250' },
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await dataDir?.remove();
  });

  it('registers through the gateway and builds the profile from user.registered', async () => {
    const { userId, profile } = await registerAndAwaitProfile(platform.url, '  Ada@Example.COM ', waitFor);
    expect(profile.body).toMatchObject({ userId, email: 'ada@example.com', displayName: null, locale: null });
    expect(new Date(profile.body.createdAt).toISOString()).toBe(profile.body.createdAt);
  });

  it('answers a second registration of the same e-mail exactly like the first (no e-mail enumeration)', async () => {
    const body = { email: 'grace@example.com', password: 'correct horse battery' };
    const first = await request(`${platform.url}/api/auth/register`, { body });
    expect(first.status).toBe(202);
    const again = await request(`${platform.url}/api/auth/register`, { body: { ...body, email: 'GRACE@example.com' } });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
  });

  it('rejects an invalid body with 400 VALIDATION_FAILED naming the fields', async () => {
    const response = await request(`${platform.url}/api/auth/register`, { body: { email: 'not-an-email', password: 'short' } });
    expect(response.status).toBe(400);
    expect(response.contentType).toContain('application/problem+json');
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual(expect.arrayContaining([expect.stringMatching(/email|password/)]));
  });

  it('answers another user id with 404 USER_NOT_FOUND, no token with 401, and an unknown route with 404 NOT_FOUND', async () => {
    const { authorization } = await registerAndAwaitProfile(platform.url, 'edsger@example.com', waitFor);
    const user = await request(`${platform.url}/api/users/0000-unknown`, { headers: { authorization } });
    expect(user.status).toBe(404);
    expect(user.body.code).toBe('USER_NOT_FOUND');
    expect((await request(`${platform.url}/api/users/0000-unknown`)).body.code).toBe('AUTH_REQUIRED');
    const route = await request(`${platform.url}/api/nothing-here`);
    expect(route.status).toBe(404);
    expect(route.body.code).toBe('NOT_FOUND');
  });

  it('applies the route table body limit at the edge', async () => {
    const response = await request(`${platform.url}/api/auth/register`, { body: { email: 'a@example.com', password: 'x'.repeat(10_000) } });
    expect(response.status).toBe(413);
    expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('reports every database, the bus and the consumers as ready', async () => {
    const response = await request(`${platform.url}/ready`);
    expect(response.status).toBe(200);
    expect(Object.keys(response.body.checks).sort()).toEqual(['ai-consumer', 'ai-database', 'auth-consumer', 'auth-database', 'bus', 'chat-consumer', 'chat-database', 'users-consumer', 'users-database']);
  });
});
