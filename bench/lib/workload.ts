import { awaitStatus200, login, loginBody, registerUser, type BenchUser } from './api-client.ts';
import type { LoadTarget } from './load.ts';

export const USERS_ME = 'GET /api/users/me with a bearer access token (user registered and logged in through the API)';

/** Registers the bench user through the gateway and waits until users has built its profile. */
export async function prepareUser(gatewayUrl: string, email: string): Promise<BenchUser> {
  const user = await registerUser(gatewayUrl, email);
  await awaitStatus200(`${gatewayUrl}/api/users/me`, { authorization: `Bearer ${await login(gatewayUrl, user)}` });
  return user;
}

/** The request to repeat; logs in again each time it is asked (access tokens live 15 minutes). */
export async function usersMeTarget(gatewayUrl: string, user: BenchUser): Promise<LoadTarget> {
  return { url: `${gatewayUrl}/api/users/me`, headers: { authorization: `Bearer ${await login(gatewayUrl, user)}` } };
}

/** The login request repeated by the login-throughput case. */
export function loginTarget(gatewayUrl: string, user: BenchUser): LoadTarget {
  return { url: `${gatewayUrl}/api/auth/login`, method: 'POST', headers: { 'content-type': 'application/json' }, body: loginBody(user) };
}
