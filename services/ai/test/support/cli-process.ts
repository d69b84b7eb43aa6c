import type { ChildProcess } from 'node:child_process';
import { spawnNode, waitFor } from '@versaai/testing';

const MAIN = 'apps/cli/src/main.ts';

/** Settings a child must not inherit from the developer's shell, so each test chooses its topology. */
export const CLEAN_ENV: Record<string, string> = {
  DATABASE_URL: '', REDIS_URL: '', VERSAAI_UPSTREAMS: '', AUTH_JWKS_URL: '', VERSAAI_REDIS_PREFIX: '', PORT: '', LOG_LEVEL: 'warn', BUS_BLOCK_MS: '250',
  GROQ_API_KEY: '', OPENAI_API_KEY: '', OLLAMA_URL: '',
};

export interface CliProcess {
  name: string;
  child: ChildProcess;
  url: string;
  output(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (or the given signal) and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `versaai <args>` in a child process, ready once its /ready answers 200. */
export async function startCli(name: string, args: string[], env: Record<string, string>, port: number): Promise<CliProcess> {
  const child = spawnNode(MAIN, args, { ...CLEAN_ENV, ...env, PORT: String(port), HOST: '127.0.0.1' });
  child.stdin?.end();
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const cli: CliProcess = {
    name, child, url, output: () => output, exit,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exit;
    },
  };
  let exited = false;
  void exit.then(() => { exited = true; });
  await waitFor(async () => {
    if (exited) throw new Error('exited');
    return (await fetch(`${url}/ready`)).status === 200 ? true : undefined;
  }, { timeoutMs: 120_000, intervalMs: 100 }).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${name} did not become ready (${error.message}):\n${output}`);
  });
  return cli;
}
