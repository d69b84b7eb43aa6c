import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, createTestRedisPrefix, tempDataDir } from '@versaai/testing';
import { JWKS_PATH, formatUpstreams } from '@versaai/runtime';
import { CLEAN_ENV, cpuSecondsOf, freePort, runToCompletion, startChild, waitUntilReady, type BenchChild } from './child-process.ts';
import { onInterrupt } from './teardown.ts';

const CLI = 'apps/cli/src/main.ts';
const HELLO_WORLD = fileURLToPath(new URL('./hello-world.ts', import.meta.url));

/** Budgets far above what the run sends, so the limiter runs (as in production) but never refuses. */
export const BENCH_RATE_LIMIT = '1000000/60s';
const PLATFORM_ENV = { ...CLEAN_ENV, RATE_LIMIT_STANDARD: BENCH_RATE_LIMIT, RATE_LIMIT_CREDENTIALS: BENCH_RATE_LIMIT };

export interface RunningTopology {
  name: string;
  /** Where the load generator sends requests (the gateway, or the hello-world app). */
  url: string;
  /** One line on what runs where, for the result file. */
  description: string;
  /** Each server process: how much it logged (warnings and errors) and whether it died. */
  processes(): ProcessHealth[];
  /** CPU seconds used so far by all its server processes together (undefined without /proc). */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

export interface ProcessHealth { name: string; logLines: number; exitedDuringRun: boolean; pid?: number }

function cpuOf(children: BenchChild[]): () => number | undefined {
  return () => {
    let total = 0;
    for (const child of children) {
      const seconds = cpuSecondsOf(child.child.pid);
      if (seconds === undefined) return undefined;
      total += seconds;
    }
    return total;
  };
}

function healthOf(children: BenchChild[]): () => ProcessHealth[] {
  return () => children.map((child) => ({
    name: child.name,
    pid: child.child.pid,
    logLines: child.lineCount(),
    exitedDuringRun: child.child.exitCode !== null || child.child.signalCode !== null,
  }));
}

const url = (port: number) => `http://127.0.0.1:${port}`;

async function stopAll(children: BenchChild[]): Promise<void> {
  await Promise.all(children.map((child) => child.stop()));
}

/** Starts children and waits for /ready; if anything fails, stops what started and rethrows. */
async function boot(children: BenchChild[], readyUrls: string[], cleanup: () => Promise<void>): Promise<void> {
  try {
    await waitUntilReady(children, readyUrls);
  } catch (error) {
    await stopAll(children);
    await cleanup();
    throw error;
  }
}

export async function startHelloWorld(): Promise<RunningTopology> {
  const port = await freePort();
  const child = startChild('hello-world', HELLO_WORLD, [], { ...CLEAN_ENV, PORT: String(port) });
  await boot([child], [url(port)], async () => {});
  return {
    name: 'hello-world',
    url: url(port),
    description: "bare Fastify 5 app answering { hello: 'world' } (no logger, no plugins), one child process",
    processes: healthOf([child]),
    cpuSeconds: cpuOf([child]),
    stop: async () => { await child.stop(); },
  };
}

/**
 * `versaai start`: every service and the gateway in one process; SQLite, embedded bus, memory limiter.
 * `env` adds settings for one bench (e.g. the AI provider), over the bench defaults.
 */
export async function startAllInOne(opts: { env?: Record<string, string> } = {}): Promise<RunningTopology> {
  const data = await tempDataDir();
  const forget = onInterrupt(() => data.remove());
  const cleanup = async () => {
    await data.remove();
    forget();
  };
  const port = await freePort();
  const child = startChild('all-in-one', CLI, ['start'], { ...PLATFORM_ENV, ...opts.env, PORT: String(port), VERSAAI_DATA_DIR: data.dir });
  await boot([child], [url(port)], cleanup);
  return {
    name: 'all-in-one',
    url: url(port),
    description: '`versaai start` in one child process: the gateway and every service (auth, users, chat, ai), SQLite in a temp VERSAAI_DATA_DIR, embedded bus, in-memory rate limiter and revocation list',
    processes: healthOf([child]),
    cpuSeconds: cpuOf([child]),
    async stop() {
      await child.stop();
      await cleanup();
    },
  };
}

/**
 * Gateway, auth and users as separate processes (`start --service …`) on a fresh PostgreSQL
 * database and a fresh Redis key prefix, wired like `versaai dev distributed` does; the
 * signing keys come from a key file written by `versaai auth rotate-keys` beforehand.
 */
export async function startDistributed(opts: { postgresUrl: string; redisUrl: string; env?: Record<string, string> }): Promise<RunningTopology> {
  const database = await createTestDatabase();
  const redis = createTestRedisPrefix();
  const data = await tempDataDir();
  const release = async () => {
    await redis.cleanup();
    await database.drop();
    await data.remove();
  };
  const forget = onInterrupt(release);
  const cleanup = async () => {
    await release();
    forget();
  };
  const [gatewayPort, authPort, usersPort, chatPort, aiPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  // Chat and AI run too (idle here): the gateway refuses to start without every service it routes to.
  const upstreams = { auth: [url(authPort)], users: [url(usersPort)], chat: [url(chatPort)], ai: [url(aiPort)] };
  const shared: Record<string, string> = {
    ...PLATFORM_ENV,
    ...opts.env,
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    VERSAAI_REDIS_PREFIX: redis.prefix,
    VERSAAI_DATA_DIR: data.dir,
    AUTH_JWKS_URL: `${upstreams.auth[0]}${JWKS_PATH}`,
  };
  const keyFile = join(data.dir, 'auth-keys.json');
  try {
    await runToCompletion('rotate-keys', CLI, ['auth', 'rotate-keys', '--file', keyFile], shared);
  } catch (error) {
    await cleanup();
    throw error;
  }
  shared.AUTH_KEYS_FILE = keyFile;
  const children = [
    startChild('auth', CLI, ['start', '--service', 'auth'], { ...shared, PORT: String(authPort) }),
    startChild('users', CLI, ['start', '--service', 'users'], { ...shared, PORT: String(usersPort) }),
    startChild('chat', CLI, ['start', '--service', 'chat'], { ...shared, PORT: String(chatPort) }),
    startChild('ai', CLI, ['start', '--service', 'ai'], { ...shared, PORT: String(aiPort) }),
  ];
  // The gateway's readiness checks its upstreams: start it once they answer.
  await boot(children, [url(authPort), url(usersPort), url(chatPort), url(aiPort)], cleanup);
  children.push(startChild('gateway', CLI, ['start', '--service', 'gateway'], {
    ...shared, PORT: String(gatewayPort), VERSAAI_UPSTREAMS: formatUpstreams(upstreams),
  }));
  await boot(children, [url(gatewayPort)], cleanup);
  return {
    name: 'distributed',
    url: url(gatewayPort),
    description: `gateway, auth, users, chat and ai as five child processes (\`start --service …\`; chat and ai idle here), PostgreSQL ${new URL(opts.postgresUrl).host} (fresh database), Redis ${new URL(opts.redisUrl).host} (fresh key prefix: bus, rate limiter, revocation list), proxied over HTTP keep-alive`,
    processes: healthOf(children),
    cpuSeconds: cpuOf(children),
    async stop() {
      await stopAll(children);
      await cleanup();
    },
  };
}
