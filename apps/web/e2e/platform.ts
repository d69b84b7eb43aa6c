import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeLlm, type FakeLlm } from '@versaai/testing/fake-llm';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = 'apps/cli/src/main.ts';

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

export interface PlatformOptions {
  /**
   * `fake` (default): the OpenAI provider pointed at a fake LLM in this process, so each test
   * scripts the answers (`platform.llm.script(…)`); models `gpt-4o-mini` (default) and `gpt-4o`.
   * `offline`: no provider at all, the built-in offline model answers (as a fresh install does).
   */
  model?: 'fake' | 'offline';
  /** Extra settings for the platform process. */
  env?: Record<string, string>;
}

export interface RunningPlatform {
  url: string;
  /** The fake LLM behind the OpenAI provider (undefined with `model: 'offline'`). */
  llm: FakeLlm | undefined;
  /** The settings the platform runs with, so a CLI command can reach the same data. */
  env: Record<string, string>;
  output(): string;
  stop(): Promise<void>;
}

const FAKE_LLM_KEY = 'sk-e2e-fake-llm';

/** `versaai start` (all-in-one, SQLite in a temp dir), as a person runs it. */
export async function startAllInOne(opts: PlatformOptions = {}): Promise<RunningPlatform> {
  const llm = opts.model === 'offline' ? undefined : await startFakeLlm({ apiKey: FAKE_LLM_KEY });
  const dataDir = await mkdtemp(join(tmpdir(), 'versaai-e2e-'));
  const port = await freePort();
  const env: Record<string, string> = {
    PORT: String(port), HOST: '127.0.0.1', VERSAAI_DATA_DIR: dataDir, LOG_LEVEL: 'warn',
    DATABASE_URL: '', REDIS_URL: '', VERSAAI_UPSTREAMS: '', GROQ_API_KEY: '', OPENAI_API_KEY: '', OLLAMA_URL: '',
    AI_CONFIG_FILE: '', AI_PROVIDERS: '', AI_DEFAULT_MODEL: '',
    VERSAAI_PUBLIC_URL: `http://127.0.0.1:${port}`,
    // One journey signs up and in several accounts within a minute; the default (10/60s) is
    // about brute force, not what this test is about.
    RATE_LIMIT_CREDENTIALS: '200/60s',
    ...(llm ? { OPENAI_API_KEY: FAKE_LLM_KEY, OPENAI_BASE_URL: llm.url } : {}),
    ...opts.env,
  };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CLI, 'start'], {
    cwd: repo,
    env: { ...process.env, ...env },
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
    await llm?.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) break;
    const ready = await fetch(`${url}/ready`).then((response) => response.ok, () => false);
    if (ready) return { url, llm, env, output: () => output, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`the platform did not become ready:\n${output}`);
}

export interface Account { email: string; password: string }

/** A new account through the API (the UI's own sign-up is tested in the journey). */
export async function registerAccount(platform: RunningPlatform, name: string): Promise<Account> {
  const account = { email: `${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`, password: 'correct horse battery staple' };
  const response = await fetch(`${platform.url}/api/auth/register`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(account),
  });
  if (response.status !== 201 && response.status !== 202) throw new Error(`register answered ${response.status}: ${await response.text()}`);
  return account;
}

/**
 * Makes `account` an admin the way an operator does: `versaai users create-admin` against the
 * same data directory (it promotes an existing account). A session signed in before keeps its
 * old role until the next sign-in.
 */
export async function promoteToAdmin(platform: RunningPlatform, account: Account): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'users', 'create-admin', '--email', account.email, '--password-stdin'], {
    cwd: repo,
    env: { ...process.env, ...platform.env, PORT: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stdin.end(`${account.password}\n`);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  if (code !== 0) throw new Error(`versaai users create-admin exited with ${code}:\n${output}`);
}
