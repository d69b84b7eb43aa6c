import { describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../src/api/api-client.ts';
import { ApiError } from '../src/api/api-error.ts';
import { fakeApi, json, problem, tokens } from './fake-api.ts';

describe('ApiClient', () => {
  it('sends the in-memory access token and parses JSON', async () => {
    const { client, calls } = fakeApi({ 'GET /api/users/me': () => json(200, { id: 'u1' }) });
    client.setAccessToken('t1');
    expect(await client.get('/api/users/me')).toEqual({ id: 'u1' });
    expect(calls[0]!.authorization).toBe('Bearer t1');
  });

  it('after a 401 refreshes once with the cookie and retries the call once with the new token', async () => {
    const { client, calls } = fakeApi({
      'GET /api/chat/conversations': (call) => (call.authorization === 'Bearer fresh' ? json(200, { items: [] }) : problem(401, 'AUTH_TOKEN_EXPIRED')),
      'POST /api/auth/refresh': () => json(200, tokens('fresh')),
    });
    client.setAccessToken('stale');
    expect(await client.get('/api/chat/conversations')).toEqual({ items: [] });
    expect(calls.map((call) => `${call.method} ${call.path} ${call.authorization}`)).toEqual([
      'GET /api/chat/conversations Bearer stale',
      'POST /api/auth/refresh null',
      'GET /api/chat/conversations Bearer fresh',
    ]);
    expect(client.accessToken).toBe('fresh');
  });

  it('retries only once: a second 401 is the caller’s error', async () => {
    const { client, calls } = fakeApi({
      'GET /api/x': () => problem(401, 'AUTH_SESSION_REVOKED'),
      'POST /api/auth/refresh': () => json(200, tokens('fresh')),
    });
    client.setAccessToken('stale');
    await expect(client.get('/api/x')).rejects.toMatchObject({ status: 401, code: 'AUTH_SESSION_REVOKED' });
    expect(calls).toHaveLength(3);
  });

  it('shares one refresh among concurrent 401s (auth treats a reused refresh token as theft)', async () => {
    let refreshes = 0;
    const { client } = fakeApi({
      'GET /api/x': (call) => (call.authorization === 'Bearer fresh' ? json(200, { ok: true }) : problem(401, 'AUTH_TOKEN_EXPIRED')),
      'POST /api/auth/refresh': async () => {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return json(200, tokens('fresh'));
      },
    });
    client.setAccessToken('stale');
    await Promise.all([client.get('/api/x'), client.get('/api/x'), client.get('/api/x')]);
    expect(refreshes).toBe(1);
  });

  it('reports a lost session when the refresh cookie is refused, and throws the original error', async () => {
    const onSessionLost = vi.fn();
    const { client } = fakeApi({
      'GET /api/x': () => problem(401, 'AUTH_TOKEN_EXPIRED'),
      'POST /api/auth/refresh': () => problem(401, 'AUTH_REFRESH_INVALID'),
    }, { onSessionLost });
    client.setAccessToken('stale');
    await expect(client.get('/api/x')).rejects.toMatchObject({ code: 'AUTH_TOKEN_EXPIRED' });
    expect(onSessionLost).toHaveBeenCalledTimes(1);
    expect(client.accessToken).toBeNull();
  });

  it('reports a lost session to a caller renewing after its token was refused (the chat socket closed with 4001)', async () => {
    const onSessionLost = vi.fn();
    const { client } = fakeApi({ 'POST /api/auth/refresh': () => problem(401, 'AUTH_REFRESH_INVALID') }, { onSessionLost });
    client.setAccessToken('revoked');
    expect(await client.renewOrLose()).toBeNull();
    expect(onSessionLost).toHaveBeenCalledTimes(1);
    expect(client.accessToken).toBeNull();
  });

  it('renews without reporting anything when the refresh cookie is still good', async () => {
    const onSessionLost = vi.fn();
    const { client } = fakeApi({ 'POST /api/auth/refresh': () => json(200, tokens('fresh')) }, { onSessionLost });
    expect(await client.renewOrLose()).toMatchObject({ accessToken: 'fresh' });
    expect(onSessionLost).not.toHaveBeenCalled();
  });

  it('does not refresh for public calls (a wrong password is not an expired session)', async () => {
    const { client, calls } = fakeApi({ 'POST /api/auth/login': () => problem(401, 'AUTH_INVALID_CREDENTIALS') });
    await expect(client.post('/api/auth/login', { email: 'a@b.c', password: 'x' }, { auth: false })).rejects.toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
    expect(calls).toHaveLength(1);
  });

  it('maps problem+json to ApiError with its code, detail and Retry-After', async () => {
    const { client } = fakeApi({
      'POST /api/auth/login': () => new Response(JSON.stringify({ status: 429, code: 'AUTH_TOO_MANY_ATTEMPTS', detail: 'wait' }), {
        status: 429, headers: { 'content-type': 'application/problem+json', 'retry-after': '7' },
      }),
    });
    const error = await client.post('/api/auth/login', {}, { auth: false }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: 'AUTH_TOO_MANY_ATTEMPTS', message: 'wait', retryAfterSeconds: 7 });
  });

  it('turns a non-problem error body into UNEXPECTED_RESPONSE and a failed fetch into NETWORK_ERROR', async () => {
    const { client } = fakeApi({ 'GET /api/x': () => new Response('<html>bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }) });
    await expect(client.get('/api/x')).rejects.toMatchObject({ status: 502, code: 'UNEXPECTED_RESPONSE' });
    const offline = new ApiClient({ fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(offline.get('/api/x')).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  });

  it('answers undefined for 204', async () => {
    const { client } = fakeApi({ 'POST /api/auth/logout': () => new Response(null, { status: 204 }) });
    expect(await client.post('/api/auth/logout', undefined, { auth: false })).toBeUndefined();
  });
});
