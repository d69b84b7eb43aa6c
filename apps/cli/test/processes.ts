import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { spawnNode } from '@versaai/testing';

export const MAIN = 'apps/cli/src/main.ts';

/** A port that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningCli {
  name: string;
  child: ChildProcess;
  output(): string;
  stderr(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `node --import tsx apps/cli/src/main.ts <args>` with output captured for assertions and failure reports. */
export function runCli(name: string, args: string[], env: Record<string, string>): RunningCli {
  const child = spawnNode(MAIN, args, env);
  child.stdin?.end();
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { name, child, output: () => stdout + stderr, stderr: () => stderr, exit };
}

/** Settings a child must not inherit from the developer's shell, so each test chooses its topology. */
export const CLEAN_ENV: Record<string, string> = {
  DATABASE_URL: '', REDIS_URL: '', VERSAAI_UPSTREAMS: '', VERSAAI_REDIS_PREFIX: '', PORT: '', LOG_LEVEL: 'warn', BUS_BLOCK_MS: '250',
};

/** Stops a child with SIGTERM and returns how it exited. Kills it if the test already failed and it hangs. */
export async function terminate(cli: RunningCli): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGTERM');
  return cli.exit;
}
