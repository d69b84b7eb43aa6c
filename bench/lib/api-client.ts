import { waitFor } from '@versaai/testing';

export interface JsonResponse { status: number; body: Record<string, unknown> | undefined }

export async function requestJson(url: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<JsonResponse> {
  const response = await fetch(url, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

export interface BenchUser { email: string; password: string }

// Long enough for the password policy and not in any list of common passwords.
const BENCH_PASSWORD = 'bench-users-me-7f3kq9-password';

/** Registers through the gateway, as a client would (202: e-mail verification pending; login works meanwhile). */
export async function registerUser(gatewayUrl: string, email: string): Promise<BenchUser> {
  const registered = await requestJson(`${gatewayUrl}/api/auth/register`, { body: { email, password: BENCH_PASSWORD } });
  if (registered.status !== 202 && registered.status !== 201) {
    throw new Error(`POST /api/auth/register answered ${registered.status}: ${JSON.stringify(registered.body)}`);
  }
  return { email, password: BENCH_PASSWORD };
}

/** users builds the profile from user.registered, asynchronously (embedded bus or Redis): wait for it. */
export async function awaitStatus200(url: string, headers: Record<string, string> = {}): Promise<void> {
  let last: JsonResponse | undefined;
  await waitFor(async () => {
    last = await requestJson(url, { headers });
    return last.status === 200 ? true : undefined;
  }, { timeoutMs: 30_000, intervalMs: 100 }).catch((error: Error) => {
    throw new Error(`GET ${new URL(url).pathname} never answered 200 (last: ${last?.status} ${JSON.stringify(last?.body)})`, { cause: error });
  });
}

export function loginBody(user: BenchUser): string {
  return JSON.stringify({ email: user.email, password: user.password, client: 'api' });
}

/** POST /api/auth/login as an API client: the access token comes back in the body. */
export async function login(gatewayUrl: string, user: BenchUser): Promise<string> {
  const response = await requestJson(`${gatewayUrl}/api/auth/login`, { body: JSON.parse(loginBody(user)) });
  const token = response.body?.accessToken;
  if (response.status !== 200 || typeof token !== 'string') {
    throw new Error(`POST /api/auth/login answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return token;
}
