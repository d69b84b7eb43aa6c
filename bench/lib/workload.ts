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

/**
 * The login-throughput case: one user per connection. Auth counts every attempt as a failure
 * until its password is verified (so parallel guesses get no more tries than sequential ones),
 * hence more than AUTH_LOGIN_FREE_ATTEMPTS (3) concurrent logins of one account are answered
 * 429 even when all are right; a user per connection measures logins, not that throttle.
 */
export function loginTarget(gatewayUrl: string, users: BenchUser[]): LoadTarget {
  return { url: `${gatewayUrl}/api/auth/login`, method: 'POST', headers: { 'content-type': 'application/json' }, bodies: users.map(loginBody) };
}
