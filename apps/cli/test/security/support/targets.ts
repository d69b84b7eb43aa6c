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

export interface TargetOptions {
  /** Added to every process's environment (e.g. the AI provider a test points at its fake LLM). */
  env?: Record<string, string>;
  /** Chat service processes (distributed only). */
  chatReplicas?: number;
}

export async function startAllInOne(opts: TargetOptions = {}): Promise<Target> {
  const dataDir = await tempDataDir();
  const env = { ...CLEAN_ENV, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', VERSAAI_DATA_DIR: dataDir.dir, ...OPEN_BUDGETS, ...opts.env };
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

export async function startDistributed(opts: TargetOptions = {}): Promise<Target> {
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
    const [gatewayPort, authPort, usersPort, aiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const chatPorts: number[] = [];
    for (let replica = 0; replica < (opts.chatReplicas ?? 1); replica++) chatPorts.push(await freePort());
    const url = (port: number) => `http://127.0.0.1:${port}`;
    const shared = {
      ...CLEAN_ENV, ...OPEN_BUDGETS, HOST: '127.0.0.1', LOG_LEVEL: 'warn', VERSAAI_DATA_DIR: dataDir.dir,
      DATABASE_URL: database.url, REDIS_URL: redis.url, VERSAAI_REDIS_PREFIX: redis.prefix,
      AUTH_KEYS_FILE: keyFile, AUTH_JWKS_URL: `${url(authPort!)}/api/auth/.well-known/jwks.json`, ...opts.env,
    };
    processes.push(runCli('auth', ['start', '--service', 'auth'], { ...shared, PORT: String(authPort) }));
    processes.push(runCli('users', ['start', '--service', 'users'], { ...shared, PORT: String(usersPort) }));
    chatPorts.forEach((port, replica) => processes.push(runCli(`chat-${replica + 1}`, ['start', '--service', 'chat'], { ...shared, PORT: String(port) })));
    processes.push(runCli('ai', ['start', '--service', 'ai'], { ...shared, PORT: String(aiPort) }));
    processes.push(runCli('gateway', ['start', '--service', 'gateway'], {
      ...shared, PORT: String(gatewayPort), VERSAAI_UPSTREAMS: `auth=${url(authPort!)},users=${url(usersPort!)},chat=${chatPorts.map(url).join('|')},ai=${url(aiPort!)}`,
    }));
    const serviceUrls: Record<string, string> = { auth: url(authPort!), users: url(usersPort!), chat: url(chatPorts[0]!), ai: url(aiPort!) };
    chatPorts.forEach((port, replica) => { serviceUrls[`chat-${replica + 1}`] = url(port); });
    const all = [...new Set([...Object.values(serviceUrls), url(gatewayPort!)])];
    let notReady: string[] = [];
    // Six or more processes compile and migrate at once; a loaded CI machine needs the time.
    await waitFor(async () => {
      const answers = await Promise.all(all.map(async (each) => {
        const response = await fetch(`${each}/ready`).catch(() => undefined);
        return { each, status: response?.status, body: response ? await response.text() : 'no answer' };
      }));
      notReady = answers.filter((answer) => answer.status !== 200).map((answer) => `${answer.each} → ${answer.status}: ${answer.body}`);
      return notReady.length === 0 ? true : undefined;
    }, { timeoutMs: 180_000, intervalMs: 200 }).catch((error: Error) => {
      throw new Error(`${error.message}\nnot ready: ${notReady.join('; ')}\n${processes.map((p) => `--- ${p.name}\n${p.output()}`).join('\n')}`);
    });
    const { HOST: _host, ...cliEnv } = shared;
    return { topology: 'distributed', gatewayUrl: url(gatewayPort!), serviceUrls, cliEnv, keyFile, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
