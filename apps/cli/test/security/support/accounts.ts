import { randomUUID } from 'node:crypto';
import { spawnNode, waitFor } from '@versaai/testing';
import { MAIN } from '../../processes.ts';

export interface Account {
  email: string;
  password: string;
  userId: string;
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  /** `Bearer <accessToken>` */
  bearer: string;
}

export interface ApiResponse { status: number; contentType: string; headers: Headers; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any

export async function call(base: string, method: string, path: string, init: { body?: unknown; bearer?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.bearer ? { authorization: init.bearer } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try { body = text ? JSON.parse(text) : undefined; } catch { /* not JSON: kept as text */ }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', headers: response.headers, body };
}

export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

export const uniqueEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.test`;

export async function logIn(base: string, email: string, password: string): Promise<Account> {
  const login = await call(base, 'POST', '/api/auth/login', { body: { email, password, client: 'api' } });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${JSON.stringify(login.body)}`);
  const accessToken = login.body.accessToken as string;
  return {
    email, password, accessToken,
    userId: login.body.user.id,
    refreshToken: login.body.refreshToken,
    sessionId: claimsOf(accessToken).sid as string,
    bearer: `Bearer ${accessToken}`,
  };
}

/** Registers and logs in through the gateway, then waits until the users service knows the account. */
export async function signUp(base: string, label: string): Promise<Account> {
  const email = uniqueEmail(label);
  const password = `Sturdy-${randomUUID()}`;
  const registered = await call(base, 'POST', '/api/auth/register', { body: { email, password } });
  if (registered.status >= 300) throw new Error(`register answered ${registered.status}: ${JSON.stringify(registered.body)}`);
  const account = await logIn(base, email, password);
  await waitFor(async () => ((await call(base, 'GET', '/api/users/me', { bearer: account.bearer })).status === 200 ? true : undefined), { timeoutMs: 20_000 });
  return account;
}

/** The first-admin bootstrap, as an operator runs it: `versaai users create-admin --password-stdin`. */
export async function createAdmin(base: string, cliEnv: Record<string, string>, label = 'admin'): Promise<Account> {
  const email = uniqueEmail(label);
  const password = `Admin-${randomUUID()}`;
  const child = spawnNode(MAIN, ['users', 'create-admin', '--email', email, '--password-stdin'], cliEnv);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stdin?.end(`${password}\n`);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`create-admin exited ${code}: ${output}`);
  const account = await logIn(base, email, password);
  if (claimsOf(account.accessToken).role !== 'admin') throw new Error('create-admin did not make an admin');
  return account;
}
