import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsumerGroupStatus, SystemStatus } from '@versaai/contracts';
import { openTransport } from '@versaai/runtime';
import { newKeyFileJson } from '@versaai/service-auth';
import { createTestDatabase, createTestRedisPrefix, requireService, tempDataDir, waitFor, type TempDataDir, type TestDatabase, type TestRedisPrefix } from '@versaai/testing';
import { CLEAN_ENV, freePort, runCli, terminate, type RunningCli } from './processes.ts';
import { call, createAdmin, signUp, type Account } from './security/support/accounts.ts';
import { startAllInOne } from './security/support/targets.ts';

const hasPostgres = await requireService('postgres', 'distributed admin system status');
const hasRedis = await requireService('redis', 'distributed admin system status');

const SERVICES = ['gateway', 'auth', 'users', 'chat', 'ai'];

interface Platform {
  gatewayUrl: string;
  cliEnv: Record<string, string>;
  /** Where the test's own transport finds the platform's bus. */
  bus: { redisUrl: string | undefined; redisPrefix: string; dataDir: string };
  /** A base URL of one service process, to call its /status directly. */
  someProcessUrl: string;
  /** Distributed only: a users replica that is listed but never started. */
  deadUsersReplica?: string;
  stop(): Promise<void>;
}

async function allInOne(): Promise<Platform> {
  const target = await startAllInOne();
  const dataDir = target.cliEnv.VERSAAI_DATA_DIR!;
  return {
    gatewayUrl: target.gatewayUrl, cliEnv: target.cliEnv, someProcessUrl: target.gatewayUrl,
    bus: { redisUrl: undefined, redisPrefix: 'versaai:', dataDir }, stop: () => target.stop(),
  };
}

/** Gateway, auth, users, chat and ai as processes on PostgreSQL + Redis; users lists a second replica nobody started. */
async function distributed(): Promise<Platform> {
  const dataDir: TempDataDir = await tempDataDir();
  let database: TestDatabase | undefined;
  let redis: TestRedisPrefix | undefined;
  const processes: RunningCli[] = [];
  const stopAll = async () => {
    await Promise.all(processes.map(terminate));
    await database?.drop();
    await redis?.cleanup();
    await dataDir.remove();
  };
  try {
    database = await createTestDatabase();
    redis = createTestRedisPrefix();
    const [gatewayPort, authPort, usersPort, chatPort, aiPort, deadPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    const url = (port: number) => `http://127.0.0.1:${port}`;
    const shared = {
      ...CLEAN_ENV, HOST: '127.0.0.1', LOG_LEVEL: 'warn', VERSAAI_DATA_DIR: dataDir.dir,
      DATABASE_URL: database.url, REDIS_URL: redis.url, VERSAAI_REDIS_PREFIX: redis.prefix,
      AUTH_KEYS: await newKeyFileJson(), AUTH_JWKS_URL: `${url(authPort!)}/api/auth/.well-known/jwks.json`,
    };
    processes.push(runCli('auth', ['start', '--service', 'auth'], { ...shared, PORT: String(authPort) }));
    processes.push(runCli('users', ['start', '--service', 'users'], { ...shared, PORT: String(usersPort) }));
    processes.push(runCli('chat', ['start', '--service', 'chat'], { ...shared, PORT: String(chatPort) }));
    processes.push(runCli('ai', ['start', '--service', 'ai'], { ...shared, PORT: String(aiPort) }));
    processes.push(runCli('gateway', ['start', '--service', 'gateway'], {
      ...shared, PORT: String(gatewayPort),
      VERSAAI_UPSTREAMS: `auth=${url(authPort!)},users=${url(usersPort!)}|${url(deadPort!)},chat=${url(chatPort!)},ai=${url(aiPort!)}`,
    }));
    const started = [gatewayPort, authPort, usersPort, chatPort, aiPort].map((port) => url(port!));
    await waitFor(async () => {
      const statuses = await Promise.all(started.map(async (each) => (await fetch(`${each}/ready`).catch(() => undefined))?.status));
      return statuses.every((status) => status === 200) ? true : undefined;
    }, { timeoutMs: 180_000, intervalMs: 200 }).catch((error: Error) => {
      throw new Error(`${error.message}\n${processes.map((p) => `--- ${p.name}\n${p.output()}`).join('\n')}`);
    });
    const { HOST: _host, ...cliEnv } = shared;
    return {
      gatewayUrl: url(gatewayPort!), cliEnv, someProcessUrl: url(usersPort!), deadUsersReplica: url(deadPort!),
      bus: { redisUrl: redis.url, redisPrefix: redis.prefix, dataDir: dataDir.dir }, stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** An event that decodes as JSON but fails its schema: the users consumer dead-letters it at once. */
async function recordDeadLetter(bus: Platform['bus']): Promise<void> {
  const transport = await openTransport(bus);
  try {
    await transport.append([{
      stream: 'user.registered',
      payload: JSON.stringify({ id: randomUUID(), type: 'user.registered', version: 99, occurredAt: new Date().toISOString(), source: 'admin-system-test', data: {} }),
    }]);
  } finally {
    await transport.close();
  }
}

const topologies = [
  { name: 'all-in-one (SQLite, embedded bus)', start: allInOne, enabled: true },
  { name: 'distributed (PostgreSQL + Redis, one users replica down)', start: distributed, enabled: hasPostgres && hasRedis },
];

for (const topology of topologies) {
  describe.skipIf(!topology.enabled)(`GET /api/admin/system: ${topology.name}`, () => {
    let platform: Platform;
    let admin: Account;
    let alice: Account;
    const system = async (account: Account) => call(platform.gatewayUrl, 'GET', '/api/admin/system', { bearer: account.bearer });

    beforeAll(async () => {
      platform = await topology.start();
      alice = await signUp(platform.gatewayUrl, 'alice');
      admin = await createAdmin(platform.gatewayUrl, platform.cliEnv);
    }, 240_000);

    afterAll(async () => {
      await platform?.stop();
    }, 60_000);

    it('answers an admin with every service up and ready, and each consumer group with a numeric lag', async () => {
      const response = await system(admin);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const status = response.body as SystemStatus;
      expect(status.topology).toBe(platform.deadUsersReplica ? 'distributed' : 'all-in-one');
      expect(status.services.map((service) => service.name)).toEqual(SERVICES);
      for (const service of status.services) {
        expect(service.available, service.name).toBe(true);
        const live = service.replicas.filter((replica) => replica.replica !== platform.deadUsersReplica);
        expect(live.length, service.name).toBeGreaterThan(0);
        for (const replica of live) {
          expect(replica, service.name).toMatchObject({ health: 'up', readiness: 'ready' });
          expect(replica.checks.every((check) => check.outcome === 'ok'), JSON.stringify(replica.checks)).toBe(true);
        }
      }
      const users = status.services.find((service) => service.name === 'users')!;
      expect(users.replicas[0]!.checks.map((check) => check.name)).toEqual(expect.arrayContaining(['users-database', 'users-consumer', 'bus']));
      expect(status.bus?.kind).toBe(platform.bus.redisUrl ? 'redis' : 'embedded');
      const groups = status.bus!.groups.map((group) => group.group);
      expect(groups).toEqual(expect.arrayContaining(['users']));
      for (const group of status.bus!.groups) {
        expect(typeof group.lag, group.group).toBe('number');
        expect(group.lag).toBeGreaterThanOrEqual(0);
        expect(typeof group.deadLetters.count).toBe('number');
      }
    });

    it('shows a dead letter once one is recorded, newest first with its type and error', async () => {
      await recordDeadLetter(platform.bus);
      const users = await waitFor(async () => {
        const group = ((await system(admin)).body as SystemStatus).bus?.groups.find((each) => each.group === 'users');
        return group && (group.deadLetters.count ?? 0) > 0 ? group : undefined;
      }, { timeoutMs: 30_000, intervalMs: 200 }) as ConsumerGroupStatus;
      expect(users.deadLetters).toMatchObject({ count: 1, countCapped: false });
      const [letter] = users.deadLetters.newest;
      expect(letter).toMatchObject({ type: 'user.registered' });
      expect(letter!.error.length).toBeGreaterThan(0);
      expect(Number.isNaN(Date.parse(letter!.failedAt))).toBe(false);
      expect(letter).not.toHaveProperty('payload');
    });

    it('refuses a regular user with 403 and an anonymous caller with 401, as problem+json', async () => {
      const forbidden = await system(alice);
      expect(forbidden.status).toBe(403);
      expect(forbidden.contentType).toContain('application/problem+json');
      expect(forbidden.body.code).toBe('AUTH_FORBIDDEN');
      const anonymous = await call(platform.gatewayUrl, 'GET', '/api/admin/system');
      expect(anonymous.status).toBe(401);
      expect(anonymous.contentType).toContain('application/problem+json');
      expect(anonymous.body.code).toBe('AUTH_REQUIRED');
    });

    it("keeps each process's own /status for admins too", async () => {
      expect((await call(platform.someProcessUrl, 'GET', '/status')).status).toBe(401);
      expect((await call(platform.someProcessUrl, 'GET', '/status', { bearer: alice.bearer })).status).toBe(403);
      const own = await call(platform.someProcessUrl, 'GET', '/status', { bearer: admin.bearer });
      expect(own.status).toBe(200);
      expect(own.body.services.map((service: { name: string }) => service.name)).toContain('users');
    });

    // Only the distributed platform has replicas to lose.
    if (topology.start === distributed) it('reports a replica that does not answer as down, and the service still available', async () => {
      const response = await system(admin);
      expect(response.status).toBe(200);
      const users = (response.body as SystemStatus).services.find((service) => service.name === 'users')!;
      expect(users.replicas).toHaveLength(2);
      expect(users.replicas.find((replica) => replica.replica === platform.deadUsersReplica)).toMatchObject({
        health: 'down', readiness: 'unknown', problem: 'unreachable', checks: [],
      });
      expect(users.available).toBe(true);
    });
  });
}
