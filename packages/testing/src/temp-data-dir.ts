import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDataDir { dir: string; remove(): Promise<void> }

export async function tempDataDir(): Promise<TempDataDir> {
  const dir = await mkdtemp(join(tmpdir(), 'versaai-test-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
