import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useSessionStore } from '../src/stores/session.ts';
import { api } from '../src/api/api-instance.ts';
import { fakeApi, json, problem, tokens } from './fake-api.ts';

describe('session store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  it('restores a session from the refresh cookie after a reload', async () => {
    fakeApi({ 'POST /api/auth/refresh': () => json(200, tokens('t1')) });
    const session = useSessionStore();
    await session.restore();
    expect(session.signedIn).toBe(true);
    expect(session.user?.email).toBe('ada@example.com');
    expect(api().accessToken).toBe('t1');
  });

  it('stays signed out without a cookie, and restores only once per page', async () => {
    const { calls } = fakeApi({ 'POST /api/auth/refresh': () => problem(401, 'AUTH_REFRESH_INVALID') });
    const session = useSessionStore();
    await Promise.all([session.restore(), session.restore()]);
    await session.restore();
    expect(session.signedIn).toBe(false);
    expect(session.restored).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('signs up by registering then signing in with the same credentials', async () => {
    const { calls } = fakeApi({
      'POST /api/auth/register': () => json(202, { status: 'pending_verification' }),
      'POST /api/auth/login': () => json(200, tokens('t2', 'grace@example.com')),
    });
    const session = useSessionStore();
    await session.signUp('grace@example.com', 'correct horse battery');
    expect(calls.map((call) => call.path)).toEqual(['/api/auth/register', '/api/auth/login']);
    expect(calls[1]!.body).toEqual({ email: 'grace@example.com', password: 'correct horse battery' });
    expect(session.user?.email).toBe('grace@example.com');
  });

  it('keeps the user signed out when sign-in fails', async () => {
    fakeApi({ 'POST /api/auth/login': () => problem(401, 'AUTH_INVALID_CREDENTIALS') });
    const session = useSessionStore();
    await expect(session.signIn('ada@example.com', 'wrong')).rejects.toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
    expect(session.signedIn).toBe(false);
  });

  it('signs out: ends the session at auth and forgets the token even if the call fails', async () => {
    const { calls } = fakeApi({
      'POST /api/auth/login': () => json(200, tokens('t3')),
      'POST /api/auth/logout': () => problem(503, 'AUTH_UNAVAILABLE'),
    });
    const session = useSessionStore();
    await session.signIn('ada@example.com', 'pw');
    await expect(session.signOut()).rejects.toBeDefined();
    expect(calls.at(-1)!.path).toBe('/api/auth/logout');
    expect(session.signedIn).toBe(false);
    expect(api().accessToken).toBeNull();
  });
});
