import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freePort, spawnNode, waitFor } from '@versaai/testing';
import { onInterrupt } from './teardown.ts';

export { freePort };

/** Settings a child must not inherit from the shell, so the bench alone chooses each topology. */
export const CLEAN_ENV: Record<string, string> = {
  DATABASE_URL: '', REDIS_URL: '', VERSAAI_UPSTREAMS: '', AUTH_JWKS_URL: '', VERSAAI_REDIS_PREFIX: '', PORT: '', HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
};

export interface BenchChild {
  name: string;
  child: ChildProcess;
  /** The last lines the child wrote, for error messages when it fails. */
  output(): string;
  /** How many lines it wrote (LOG_LEVEL=warn: each is a warning or an error). */
  lineCount(): number;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const KEEP_OUTPUT_CHARS = 8_000;

/**
 * `node --import tsx <script> <args>`. Its output is kept, not relayed (under load a failing
 * upstream logs every request); the tail is printed if it exits before the bench stops it.
 */
export function startChild(name: string, script: string, args: string[], env: Record<string, string>, opts: { command?: boolean } = {}): BenchChild {
  const child = spawnNode(script, args, env);
  child.stdin?.end();
  let output = '';
  let lines = 0;
  // A command is expected to exit; a server exiting before stop() is news.
  let stopping = opts.command ?? false;
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    lines += text.split('\n').length - 1;
    output = (output + text).slice(-KEEP_OUTPUT_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const forget = onInterrupt(() => stop());
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      forget();
      if (!stopping) process.stderr.write(`[bench] ${name} exited on its own (code ${code}, signal ${signal}); its last output:\n${prefixLines(name, output)}`);
      resolve({ code, signal });
    });
  });
  async function stop() {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    try {
      return await exit;
    } finally {
      clearTimeout(timer);
    }
  }
  return { name, child, output: () => output, lineCount: () => lines, exit, stop };
}

function prefixLines(name: string, text: string): string {
  return text.split('\n').filter((line) => line !== '').map((line) => `[${name}] ${line}\n`).join('');
}

/** Runs a child to completion (a CLI command) and fails with its output unless it exits 0. */
export async function runToCompletion(name: string, script: string, args: string[], env: Record<string, string>): Promise<string> {
  const child = startChild(name, script, args, env, { command: true });
  const { code, signal } = await child.exit;
  if (code !== 0) throw new Error(`${name} exited with code ${code} (signal ${signal}):\n${child.output()}`);
  return child.output();
}

/** Waits until every URL answers 200 on /ready; a child that exits meanwhile fails the wait at once. */
export async function waitUntilReady(children: BenchChild[], baseUrls: string[], timeoutMs = 90_000): Promise<void> {
  const exited = Promise.race(children.map(async (child) => {
    const { code, signal } = await child.exit;
    throw new Error(`${child.name} exited during start (code ${code}, signal ${signal}):\n${child.output()}`);
  }));
  exited.catch(() => {});
  const ready = waitFor(async () => {
    const statuses = await Promise.all(baseUrls.map(async (url) => (await fetch(`${url}/ready`)).status));
    return statuses.every((status) => status === 200) ? true : undefined;
  }, { timeoutMs, intervalMs: 200 });
  try {
    await Promise.race([ready, exited]);
  } catch (error) {
    const outputs = children.map((child) => `--- ${child.name}\n${child.output()}`).join('\n');
    throw new Error(`${(error as Error).message}\n${outputs}`, { cause: error });
  }
}

// Linux's USER_HZ: /proc reports CPU time in these ticks (100 on every mainstream build).
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system, all threads) a process has used so far, from /proc/<pid>/stat;
 * undefined where /proc is missing or the process is gone. CPU per request does not move when
 * other processes compete for the cores, unlike RPS.
 */
export function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; utime, stime are 14, 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
