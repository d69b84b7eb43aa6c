import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { spawnNode } from '@versaai/testing';
import type { ConsumerReport } from './consumer-host.ts';
import type { CpuProfileSummary } from './cpu-profile.ts';

const CHILD_SCRIPT = fileURLToPath(new URL('./consumer-child.ts', import.meta.url));

type ChildMessage =
  | { type: 'ready' } | { type: 'stopped' } | { type: 'profiling' }
  | { type: 'report'; report: ConsumerReport } | { type: 'profile'; profile: CpuProfileSummary };

/** The bench's handle on a consumer child process (see consumer-child.ts for the protocol). */
export interface ConsumerProcess {
  readonly pid: number | undefined;
  report(): Promise<ConsumerReport>;
  startProfile(): Promise<void>;
  stopProfile(): Promise<CpuProfileSummary>;
  stop(): Promise<void>;
}

export async function startConsumerProcess(env: Record<string, string>, label: string): Promise<ConsumerProcess> {
  const child: ChildProcess = spawnNode(CHILD_SCRIPT, [], env);
  const waiting: Array<{ type: ChildMessage['type']; resolve: (message: ChildMessage) => void; reject: (error: Error) => void }> = [];
  let exited = false;

  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[${label}] ${chunk.toString()}`));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let message: ChildMessage;
    try {
      message = JSON.parse(line) as ChildMessage;
    } catch {
      process.stderr.write(`[${label}] ${line}\n`);
      return;
    }
    const index = waiting.findIndex((waiter) => waiter.type === message.type);
    if (index >= 0) waiting.splice(index, 1)[0]!.resolve(message);
  });
  child.on('exit', (code, signal) => {
    exited = true;
    for (const waiter of waiting.splice(0)) waiter.reject(new Error(`${label} exited (code ${code}, signal ${signal}) before answering`));
  });

  function expect<T extends ChildMessage['type']>(type: T, timeoutMs: number): Promise<Extract<ChildMessage, { type: T }>> {
    if (exited) return Promise.reject(new Error(`${label} has exited`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${label}: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      waiting.push({
        type,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message as Extract<ChildMessage, { type: T }>);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  try {
    await expect('ready', 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  return {
    pid: child.pid,
    async report() {
      const answer = expect('report', 10_000);
      child.stdin!.write('report\n');
      return (await answer).report;
    },
    async startProfile() {
      const answer = expect('profiling', 10_000);
      child.stdin!.write('profile-start\n');
      await answer;
    },
    async stopProfile() {
      const answer = expect('profile', 30_000);
      child.stdin!.write('profile-stop\n');
      return (await answer).profile;
    },
    async stop() {
      if (exited) return;
      const stopped = expect('stopped', 15_000);
      child.stdin!.write('stop\n');
      try {
        await stopped;
      } catch {
        child.kill('SIGKILL');
      }
    },
  };
}
