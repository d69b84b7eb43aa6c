import { join } from 'node:path';
import { startPlatform, type RunningPlatform } from '@versaai/runtime';
import { ensureKeyFile } from '@versaai/service-auth';
import { createTestDatabase, createTestRedisPrefix, tempDataDir, waitFor, type TestDatabase, type TestRedisPrefix } from '@versaai/testing';
import { allServices, gateway } from '../../../src/services.ts';
import { CLEAN_ENV, freePort, runCli, type RunningCli } from '../../processes.ts';

/** A running platform the security tests attack: its gateway, and in distributed mode each service process. */
export interface Target {
  topology: 'all-in-one' | 'distributed';
  gatewayUrl: string;
  /** Base URL of each service process (distributed only): zero-trust tests call them directly. */
  serviceUrls: Record<string, string>;
  /** Environment for `versaai` CLI commands against this platform's databases. */
  cliEnv: Record<string, string>;
  /** The signing key file auth uses (to forge tokens with the real key). */
  keyFile: string;
  platform?: RunningPlatform;
  stop(): Promise<void>;
}

// Budgets out of the way: the matrix and the fuzzer send many requests from one address.
// Rate limiting has its own tests.
const OPEN_BUDGETS = { RATE_LIMIT_CREDENTIALS: '1000000/60s', RATE_LIMIT_STANDARD: '1000000/60s' };

export async function startAllInOne(): Promise<Target> {
  const dataDir = await tempDataDir();
  const env = { ...CLEAN_ENV, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', VERSAAI_DATA_DIR: dataDir.dir, ...OPEN_BUDGETS };
  const platform = await startPlatform({ services: allServices, gateway, env });
  return {
    topology: 'all-in-one',
    gatewayUrl: platform.url,
    serviceUrls: {},
    cliEnv: { ...CLEAN_ENV, VERSAAI_DATA_DIR: dataDir.dir, LOG_LEVEL: 'warn' },
    keyFile: join(dataDir.dir, 'auth-keys.json'),
    platform,
    async stop() {
      await platform.stop();
      await dataDir.remove();
    },
  };
}

export async function startDistributed(): Promise<Target> {
  const dataDir = await tempDataDir();
  let database: TestDatabase | undefined;
  let redis: TestRedisPrefix | undefined;
  const processes: RunningCli[] = [];
  const stopAll = async () => {
    for (const process of processes) if (process.child.exitCode === null) process.child.kill('SIGTERM');
    await Promise.all(processes.map((process) => process.exit));
    await database?.drop();
    await redis?.cleanup();
    await dataDir.remove();
  };
  try {
    database = await createTestDatabase();
    redis = createTestRedisPrefix();
    const keyFile = join(dataDir.dir, 'auth-keys.json');
    await ensureKeyFile(keyFile);
    const [gatewayPort, authPort, usersPort, chatPort, aiPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    const url = (port: number) => `http://127.0.0.1:${port}`;
    const shared = {
      ...CLEAN_ENV, ...OPEN_BUDGETS, HOST: '127.0.0.1', LOG_LEVEL: 'warn', VERSAAI_DATA_DIR: dataDir.dir,
      DATABASE_URL: database.url, REDIS_URL: redis.url, VERSAAI_REDIS_PREFIX: redis.prefix,
      AUTH_KEYS_FILE: keyFile, AUTH_JWKS_URL: `${url(authPort!)}/api/auth/.well-known/jwks.json`,
    };
    processes.push(runCli('auth', ['start', '--service', 'auth'], { ...shared, PORT: String(authPort) }));
    processes.push(runCli('users', ['start', '--service', 'users'], { ...shared, PORT: String(usersPort) }));
    processes.push(runCli('chat', ['start', '--service', 'chat'], { ...shared, PORT: String(chatPort) }));
    processes.push(runCli('ai', ['start', '--service', 'ai'], { ...shared, PORT: String(aiPort) }));
    processes.push(runCli('gateway', ['start', '--service', 'gateway'], {
      ...shared, PORT: String(gatewayPort), VERSAAI_UPSTREAMS: `auth=${url(authPort!)},users=${url(usersPort!)},chat=${url(chatPort!)},ai=${url(aiPort!)}`,
    }));
    const serviceUrls = { auth: url(authPort!), users: url(usersPort!), chat: url(chatPort!), ai: url(aiPort!) };
    const all = [...Object.values(serviceUrls), url(gatewayPort!)];
    await waitFor(async () => {
      const statuses = await Promise.all(all.map(async (each) => (await fetch(`${each}/ready`).catch(() => undefined))?.status));
      return statuses.every((status) => status === 200) ? true : undefined;
    }, { timeoutMs: 90_000, intervalMs: 200 }).catch((error: Error) => {
      throw new Error(`${error.message}\n${processes.map((p) => `--- ${p.name}\n${p.output()}`).join('\n')}`);
    });
    const { HOST: _host, ...cliEnv } = shared;
    return { topology: 'distributed', gatewayUrl: url(gatewayPort!), serviceUrls, cliEnv, keyFile, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
