import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import { createLogger } from '@versaai/kernel';
import { startPlatform, type RunningPlatform } from '@versaai/runtime';
import type { DialectHarness } from '@versaai/testing';
import { generateStoredKey } from '../../src/keys/key-file.ts';
import { createAuthService, type AuthServiceOptions } from '../../src/index.ts';

/** Cheap argon2 parameters: the tests exercise the flow, not the cost. */
export const FAST_ARGON2 = { ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' };

/** A key file's JSON for AUTH_KEYS (PostgreSQL requires keys to be given). */
export async function inlineKeys(): Promise<string> {
  return JSON.stringify({ keys: [await generateStoredKey(new Date())] });
}

export interface CoreAuth {
  platform: RunningPlatform;
  url: string;
  db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Every JSON log line written so far. */
  logs: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Auth alone (no gateway) on the harness's dialect; `authenticate` verifies against its own JWKS. */
export async function startCoreAuth(harness: DialectHarness, opts: { env?: Record<string, string>; options?: AuthServiceOptions } = {}): Promise<CoreAuth> {
  const env: Record<string, string> = {
    PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', VERSAAI_DATA_DIR: harness.dataDir, DATABASE_URL: harness.databaseUrl ?? '',
    BUS_BLOCK_MS: '250', ...FAST_ARGON2, ...(harness.dialect === 'postgres' ? { AUTH_KEYS: await inlineKeys() } : {}), ...opts.env,
  };
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const platform = await startPlatform({
    services: [createAuthService({ ...opts.options, env })],
    env,
    logger: createLogger({ service: 'auth-test', level: 'info', destination }),
  });
  return { platform, url: platform.url, db: platform.services.get('auth')!.context.db, logs, stop: () => platform.stop() };
}

export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function call(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<JsonAnswer> {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** Registers an account (202) and returns its credentials. */
export async function registered(url: string, email: string, password = 'correct horse battery staple'): Promise<{ email: string; password: string }> {
  const answer = await call(`${url}/api/auth/register`, { body: { email, password } });
  if (answer.status !== 202) throw new Error(`register answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return { email, password };
}

/** Logs in as an API client: the refresh token comes back in the body. */
export async function apiLogin(url: string, account: { email: string; password: string }, headers: Record<string, string> = {}): Promise<JsonAnswer> {
  return call(`${url}/api/auth/login`, { body: { ...account, client: 'api' }, headers });
}
