import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { freePort, spawnNode } from '@versaai/testing';

export { freePort };

export const MAIN = 'apps/cli/src/main.ts';

async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

// Below Linux's ephemeral range (32768–60999 by default): a port picked there can be taken,
// between the check and the child's listen, as the local port of any outgoing connection the
// parallel suite opens (seen: a users replica failing with EADDRINUSE).
const CONSECUTIVE_PORTS_FROM = 20_000;
const CONSECUTIVE_PORTS_BELOW = 32_768;

/** `count` consecutive ports that were free a moment ago, for commands that number ports from PORT. */
export async function freeConsecutivePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = CONSECUTIVE_PORTS_FROM + Math.floor(Math.random() * (CONSECUTIVE_PORTS_BELOW - CONSECUTIVE_PORTS_FROM - count));
    let allFree = true;
    for (let offset = 0; offset < count && allFree; offset++) allFree = await isFree(base + offset);
    if (allFree) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

export interface RunningCli {
  name: string;
  child: ChildProcess;
  output(): string;
  stdout(): string;
  stderr(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `node --import tsx apps/cli/src/main.ts <args>` with output captured for assertions and failure reports. */
export function runCli(name: string, args: string[], env: Record<string, string>, script = MAIN): RunningCli {
  const child = spawnNode(script, args, env);
  child.stdin?.end();
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { name, child, output: () => stdout + stderr, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Settings a child must not inherit from the developer's shell, so each test chooses its topology. */
export const CLEAN_ENV: Record<string, string> = {
  DATABASE_URL: '', REDIS_URL: '', VERSAAI_UPSTREAMS: '', AUTH_JWKS_URL: '', VERSAAI_REDIS_PREFIX: '', PORT: '', LOG_LEVEL: 'warn', BUS_BLOCK_MS: '250',
};

/** Stops a child with SIGTERM and returns how it exited. Kills it if the test already failed and it hangs. */
export async function terminate(cli: RunningCli): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGTERM');
  return cli.exit;
}
