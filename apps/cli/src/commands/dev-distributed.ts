import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseConfig, envPort } from '@versaai/kernel';
import { formatUpstreams, parsePlatformConfig, type Upstreams } from '@versaai/runtime';
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

function spawnChild(name: string, env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'start', '--service', name], {
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
 * `versaai dev distributed`: the distributed topology on one machine. Every service runs as
 * its own OS process on PORT+1, PORT+2, …; the gateway listens on PORT and proxies to them.
 * Signals go to every child; the command exits once they all have.
 */
export async function devDistributedCommand(): Promise<void> {
  requireDistributedSettings(process.env);
  const { PORT: gatewayPort } = parseConfig(z.object({ PORT: envPort(8080) }), process.env);
  const upstreams: Upstreams = {};
  const children: Child[] = [];
  allServices.forEach((service, index) => {
    const port = gatewayPort + 1 + index;
    upstreams[service.name] = [`http://127.0.0.1:${port}`];
    children.push(spawnChild(service.name, { ...process.env, PORT: String(port) }));
  });
  children.push(spawnChild('gateway', { ...process.env, PORT: String(gatewayPort), VERSAAI_UPSTREAMS: formatUpstreams(upstreams) }));

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
