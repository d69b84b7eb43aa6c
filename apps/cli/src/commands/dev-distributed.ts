import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { ConfigError, parseConfig, envPort } from '@versaai/kernel';
import { DEFAULT_KEY_FILE_NAME, ensureKeyFile } from '@versaai/service-auth';
import { JWKS_PATH, formatUpstreams, parsePlatformConfig, type Upstreams } from '@versaai/runtime';
import { isPostgresUrl } from '@versaai/storage';
import { z } from 'zod';
import { allServices } from '../services.ts';
import { pipeWithPrefix } from '../prefixed-output.ts';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

interface Child { name: string; process: ChildProcess; exit: Promise<number> }

function requireDistributedSettings(env: NodeJS.ProcessEnv): void {
  const config = parsePlatformConfig(env);
  const issues = [];
  if (!isPostgresUrl(config.databaseUrl)) {
    issues.push({ variable: 'DATABASE_URL', problem: 'must be a postgres:// URL for the distributed topology' });
  }
  if (!config.redisUrl) issues.push({ variable: 'REDIS_URL', problem: 'is required for the distributed topology' });
  if (issues.length > 0) throw new ConfigError(issues);
}

/** `users=2,auth=1` → { users: 2, auth: 1 }; every other service runs once. */
export function parseReplicas(spec: string | undefined, services: string[]): Record<string, number> {
  const replicas: Record<string, number> = Object.fromEntries(services.map((name) => [name, 1]));
  for (const part of (spec ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '')) {
    const match = /^([a-z][a-z0-9_]*)=(\d+)$/.exec(part);
    const count = match ? Number(match[2]) : 0;
    if (!match || !services.includes(match[1]!) || count < 1 || count > 16) {
      throw new ConfigError([{ variable: '--replicas', problem: `must look like users=2 with a service among ${services.join(', ')} and 1 to 16 replicas (got "${part}")` }]);
    }
    replicas[match[1]!] = count;
  }
  return replicas;
}

function spawnChild(name: string, service: string, env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'start', '--service', service], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  pipeWithPrefix(child.stdout, process.stdout, `[${name}]`);
  pipeWithPrefix(child.stderr, process.stderr, `[${name}]`);
  const exit = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  return { name, process: child, exit };
}

/**
 * Auth replicas on PostgreSQL need a key file they share; a developer run makes one under
 * VERSAAI_DATA_DIR unless AUTH_KEYS_FILE or AUTH_KEYS is given (production mounts a secret).
 */
async function devKeyFile(env: NodeJS.ProcessEnv): Promise<{ AUTH_KEYS_FILE?: string }> {
  if (env.AUTH_KEYS_FILE || env.AUTH_KEYS) return {};
  const path = resolve(env.VERSAAI_DATA_DIR || './data', DEFAULT_KEY_FILE_NAME);
  const { created } = await ensureKeyFile(path);
  if (created) console.log(`[dev] created the auth signing key file ${path}`);
  return { AUTH_KEYS_FILE: path };
}

/**
 * `versaai dev distributed [--replicas users=2]`: the distributed topology on one machine.
 * Every service (replica) runs as its own OS process on PORT+1, PORT+2, … in service order;
 * the gateway listens on PORT and proxies to them, round-robin over replicas.
 * Signals go to every child; the command exits once they all have.
 */
export async function devDistributedCommand(opts: { replicas?: string } = {}): Promise<void> {
  requireDistributedSettings(process.env);
  const replicas = parseReplicas(opts.replicas, allServices.map((service) => service.name));
  const { PORT: gatewayPort } = parseConfig(z.object({ PORT: envPort(8080) }), process.env);
  const upstreams: Upstreams = {};
  const children: Child[] = [];
  const planned: Array<{ name: string; service: string; port: number }> = [];
  let port = gatewayPort;
  for (const service of allServices) {
    const count = replicas[service.name] ?? 1;
    upstreams[service.name] = [];
    for (let replica = 1; replica <= count; replica++) {
      port += 1;
      upstreams[service.name]!.push(`http://127.0.0.1:${port}`);
      planned.push({ name: count === 1 ? service.name : `${service.name}-${replica}`, service: service.name, port });
    }
  }
  // Every service verifies tokens itself (zero trust), against auth's published keys.
  const shared = { ...process.env, AUTH_JWKS_URL: process.env.AUTH_JWKS_URL || `${upstreams.auth![0]}${JWKS_PATH}`, ...(await devKeyFile(process.env)) };
  for (const child of planned) children.push(spawnChild(child.name, child.service, { ...shared, PORT: String(child.port) }));
  children.push(spawnChild('gateway', 'gateway', { ...shared, PORT: String(gatewayPort), VERSAAI_UPSTREAMS: formatUpstreams(upstreams) }));

  let stopping = false;
  const stopAll = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const child of children) if (child.process.exitCode === null) child.process.kill(signal);
  };
  process.on('SIGTERM', () => stopAll('SIGTERM'));
  process.on('SIGINT', () => stopAll('SIGINT'));
  // One child dying on its own leaves the topology broken: stop the others too.
  for (const child of children) {
    void child.exit.then((code) => {
      if (!stopping) {
        console.error(`[dev] ${child.name} exited with code ${code}; stopping the others`);
        process.exitCode = 1;
        stopAll('SIGTERM');
      }
    });
  }
  const codes = await Promise.all(children.map((child) => child.exit));
  if (codes.some((code) => code !== 0)) process.exitCode = 1;
}
