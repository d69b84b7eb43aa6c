import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestRedisPrefix, requireService, waitFor, type TestDatabase, type TestRedisPrefix } from '@versaai/testing';
import { awaitHealthyReplicas, profileRequestsServed, registerAndAwaitProfile, request } from './http-client.ts';
import { CLEAN_ENV, freePort, runCli, terminate, type RunningCli } from './processes.ts';
import { newKeyFileJson } from '@versaai/service-auth';

const available = (await requireService('postgres', 'distributed topology')) && (await requireService('redis', 'distributed topology'));

describe.skipIf(!available)('distributed topology: gateway, auth and two users replicas as separate processes', () => {
  let database: TestDatabase;
  let redis: TestRedisPrefix;
  const processes: RunningCli[] = [];
  let gatewayUrl: string;
  let usersUrls: string[];

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = createTestRedisPrefix();
    const [gatewayPort, authPort, users1Port, users2Port, chatPort, aiPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    const url = (port: number) => `http://127.0.0.1:${port}`;
    const shared = {
      ...CLEAN_ENV, HOST: '127.0.0.1', DATABASE_URL: database.url, REDIS_URL: redis.url, VERSAAI_REDIS_PREFIX: redis.prefix,
      AUTH_JWKS_URL: `${url(authPort!)}/api/auth/.well-known/jwks.json`,
      // Auth on PostgreSQL signs with keys it is given (a mounted secret in production).
      AUTH_KEYS: await newKeyFileJson(),
    };
    gatewayUrl = url(gatewayPort!);
    usersUrls = [url(users1Port!), url(users2Port!)];
    processes.push(runCli('auth', ['start', '--service', 'auth'], { ...shared, PORT: String(authPort) }));
    processes.push(runCli('users-1', ['start', '--service', 'users'], { ...shared, PORT: String(users1Port) }));
    processes.push(runCli('users-2', ['start', '--service', 'users'], { ...shared, PORT: String(users2Port) }));
    processes.push(runCli('chat', ['start', '--service', 'chat'], { ...shared, PORT: String(chatPort) }));
    processes.push(runCli('ai', ['start', '--service', 'ai'], { ...shared, PORT: String(aiPort) }));
    processes.push(runCli('gateway', ['start', '--service', 'gateway'], {
      ...shared, PORT: String(gatewayPort), VERSAAI_UPSTREAMS: `auth=${url(authPort!)},users=${usersUrls.join('|')},chat=${url(chatPort!)},ai=${url(aiPort!)}`,
    }));
    const urls = [url(authPort!), ...usersUrls, url(chatPort!), url(aiPort!), gatewayUrl];
    await waitFor(async () => {
      const statuses = await Promise.all(urls.map(async (each) => (await request(`${each}/ready`)).status));
      return statuses.every((status) => status === 200) ? true : undefined;
    }, { timeoutMs: 90_000, intervalMs: 200 }).catch((error: Error) => {
      throw new Error(`${error.message}\n${processes.map((p) => `--- ${p.name}\n${p.output()}`).join('\n')}`);
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(processes.map(terminate));
    await redis?.cleanup();
    await database?.drop();
  }, 60_000);

  it('registers through the gateway; the profile appears through the gateway', async () => {
    const { userId, profile } = await registerAndAwaitProfile(gatewayUrl, 'barbara@example.com', waitFor);
    expect(profile.body).toMatchObject({ userId, email: 'barbara@example.com' });
    const duplicate = await request(`${gatewayUrl}/api/auth/register`, { body: { email: 'barbara@example.com', password: 'correct horse battery' } });
    expect(duplicate.status).toBe(202);
    expect(duplicate.body).toEqual({ status: 'pending_verification' });
  });

  it('spreads profile reads over both users replicas', async () => {
    const { userId, authorization } = await registerAndAwaitProfile(gatewayUrl, 'margaret@example.com', waitFor);
    await awaitHealthyReplicas(gatewayUrl, 'users', 2, waitFor);
    for (let i = 0; i < 6; i++) expect((await request(`${gatewayUrl}/api/users/${userId}`, { headers: { authorization } })).status).toBe(200);
    const served = await Promise.all(usersUrls.map(profileRequestsServed));
    expect(served[0]).toBeGreaterThan(0);
    expect(served[1]).toBeGreaterThan(0);
  });

  it('stops every process with exit code 0 on SIGTERM', async () => {
    const exits = await Promise.all(processes.map(terminate));
    for (const [index, exit] of exits.entries()) expect(exit, processes[index]!.output()).toEqual({ code: 0, signal: null });
  }, 60_000);
});
