import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestRedisPrefix, requireService, waitFor, type TestDatabase, type TestRedisPrefix } from '@versaai/testing';
import { awaitHealthyReplicas, profileRequestsServed, registerAndAwaitProfile, request } from './http-client.ts';
import { CLEAN_ENV, freeConsecutivePorts, runCli, terminate, type RunningCli } from './processes.ts';

const available = (await requireService('postgres', 'versaai dev distributed')) && (await requireService('redis', 'versaai dev distributed'));

describe('versaai dev distributed', () => {
  it('rejects a malformed --replicas', async () => {
    const cli = runCli('dev', ['dev', 'distributed', '--replicas', 'users=0'], { ...CLEAN_ENV, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect((await cli.exit).code).toBe(78);
    expect(cli.stderr()).toMatch(/^Invalid configuration: --replicas must look like users=2/);
  });

  it('refuses to start without PostgreSQL and Redis', async () => {
    const cli = runCli('dev', ['dev', 'distributed'], CLEAN_ENV);
    expect((await cli.exit).code).toBe(78);
    expect(cli.stderr().trim()).toBe(
      'Invalid configuration: DATABASE_URL must be a postgres:// URL for the distributed topology; REDIS_URL is required for the distributed topology');
  });

  describe.skipIf(!available)('with PostgreSQL and Redis', () => {
    let database: TestDatabase;
    let redis: TestRedisPrefix;
    let cli: RunningCli;
    let gatewayUrl: string;
    let usersUrls: string[];

    beforeAll(async () => {
      database = await createTestDatabase();
      redis = createTestRedisPrefix();
      // gateway on PORT, auth on PORT+1, two users replicas on PORT+2 and PORT+3, chat and ai after them.
      const port = await freeConsecutivePorts(6);
      gatewayUrl = `http://127.0.0.1:${port}`;
      usersUrls = [`http://127.0.0.1:${port + 2}`, `http://127.0.0.1:${port + 3}`];
      cli = runCli('dev', ['dev', 'distributed', '--replicas', 'users=2'], {
        ...CLEAN_ENV, LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: String(port),
        DATABASE_URL: database.url, REDIS_URL: redis.url, VERSAAI_REDIS_PREFIX: redis.prefix,
      });
      // The gateway is ready without its upstreams, so every process is asked.
      const urls = [gatewayUrl, `http://127.0.0.1:${port + 1}`, ...usersUrls];
      await waitFor(async () => {
        const statuses = await Promise.all(urls.map(async (url) => (await request(`${url}/ready`)).status));
        return statuses.every((status) => status === 200) ? true : undefined;
      }, { timeoutMs: 90_000, intervalMs: 200 }).catch((error: Error) => { throw new Error(`${error.message}\n${cli.output()}`); });
    }, 120_000);

    afterAll(async () => {
      if (cli) await terminate(cli);
      await redis?.cleanup();
      await database?.drop();
    }, 60_000);

    it('runs gateway, auth and users as separate processes behind the gateway', async () => {
      const { userId, profile, authorization } = await registerAndAwaitProfile(gatewayUrl, 'frances@example.com', waitFor);
      expect(profile.body).toMatchObject({ userId, email: 'frances@example.com' });
      // Each child's output is prefixed with its name.
      for (const name of ['gateway', 'auth', 'users-1', 'users-2']) expect(cli.output()).toContain(`[${name}] {`);
      // Reads through the gateway reach both users replicas (once the gateway counts both in).
      await awaitHealthyReplicas(gatewayUrl, 'users', 2, waitFor);
      for (let i = 0; i < 4; i++) expect((await request(`${gatewayUrl}/api/users/${userId}`, { headers: { authorization } })).status).toBe(200);
      const served = await Promise.all(usersUrls.map(profileRequestsServed));
      expect(served.every((count) => count > 0), JSON.stringify(served)).toBe(true);
    });

    it('forwards SIGTERM to every child and exits 0 once they have exited', async () => {
      const exit = await terminate(cli);
      expect(exit, cli.output()).toEqual({ code: 0, signal: null });
      // The gateway, auth, two users replicas, chat and ai.
      expect(cli.output().match(/"msg":"shutdown finished"/g)).toHaveLength(6);
    }, 60_000);
  });
});
