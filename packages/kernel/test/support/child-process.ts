import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const fixturePath = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

export interface RunningChild {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching, rejects if the process exits first. */
  waitForLine(pattern: RegExp): Promise<string>;
  exited: Promise<number | null>;
}

/** `node --import tsx <fixture>`, the way the platform's processes start. */
export function startFixture(name: string, env: Record<string, string> = {}): RunningChild {
  const child = spawn(process.execPath, ['--import', 'tsx', fixturePath(name)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const line = out.split('\n').find((candidate) => waiter.pattern.test(candidate));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; check(); });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLine(pattern) {
      return new Promise<string>((resolve, reject) => {
        waiters.push({ pattern, resolve });
        check();
        void exited.then((code) => reject(new Error(`fixture exited (${code}) before ${pattern}; stdout:\n${out}\nstderr:\n${err}`)));
      });
    },
  };
}
