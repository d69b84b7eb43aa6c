import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The monorepo root (packages/testing/src → ../../..), where `tsx` and the workspaces resolve. */
export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs a TypeScript entry point in a child Node process, as production runs it (`node --import tsx`). */
export function spawnNode(script: string, args: string[] = [], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repositoryRoot,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}
