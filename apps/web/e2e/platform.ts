import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface RunningPlatform {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** `versaai start` (all-in-one, SQLite in a temp dir, the offline model), as a person runs it. */
export async function startAllInOne(): Promise<RunningPlatform> {
  const dataDir = await mkdtemp(join(tmpdir(), 'versaai-e2e-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', 'start'], {
    cwd: repo,
    env: {
      ...process.env, PORT: String(port), HOST: '127.0.0.1', VERSAAI_DATA_DIR: dataDir, LOG_LEVEL: 'warn',
      DATABASE_URL: '', REDIS_URL: '', VERSAAI_UPSTREAMS: '', GROQ_API_KEY: '', OPENAI_API_KEY: '', OLLAMA_URL: '',
      VERSAAI_PUBLIC_URL: `http://127.0.0.1:${port}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) break;
    const ready = await fetch(`${url}/ready`).then((response) => response.ok, () => false);
    if (ready) return { url, output: () => output, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`the platform did not become ready:\n${output}`);
}
