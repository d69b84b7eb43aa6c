import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { describeOnBothDialects } from '@versaai/testing';
import { apiLogin, call, registered, startCoreAuth, type CoreAuth } from './core/core-platform.ts';

describeOnBothDialects('auth: my sessions (list, revoke one, revoke the others)', (harness) => {
  let auth: CoreAuth;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const sidOf = (token: string) => decodeJwt(token).sid as string;

  beforeAll(async () => {
    auth = await startCoreAuth(harness);
  });
  afterAll(async () => {
    await auth?.stop();
  });

  it('lists my active sessions with device, address, times and which one is current', async () => {
    const account = await registered(auth.url, 'lister@example.org');
    const laptop = await apiLogin(auth.url, account, { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' });
    const phone = await apiLogin(auth.url, account, { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1' });
    const listed = await call(`${auth.url}/api/auth/sessions`, { headers: as(laptop.body.accessToken) });
    expect(listed.status).toBe(200);
    expect(listed.body.sessions).toHaveLength(2);
    const byId = new Map(listed.body.sessions.map((session: { id: string }) => [session.id, session]));
    expect(byId.get(sidOf(laptop.body.accessToken))).toEqual({
      id: sidOf(laptop.body.accessToken), device: 'Firefox on Linux', ip: '127.0.0.1', createdAt: expect.any(String), lastUsedAt: expect.any(String), current: true,
    });
    expect(byId.get(sidOf(phone.body.accessToken))).toMatchObject({ device: 'Safari on iOS', current: false });
  });

  it('needs a session token: anonymous → 401', async () => {
    expect((await call(`${auth.url}/api/auth/sessions`)).status).toBe(401);
  });

  it('revokes one of my sessions (refresh refused, revocation listed); another user\'s session id is 404 and stays alive', async () => {
    const mine = await registered(auth.url, 'owner@example.org');
    const theirs = await registered(auth.url, 'neighbour@example.org');
    const a = await apiLogin(auth.url, mine);
    const b = await apiLogin(auth.url, mine);
    const other = await apiLogin(auth.url, theirs);

    const foreign = await call(`${auth.url}/api/auth/sessions/${sidOf(other.body.accessToken)}`, { method: 'DELETE', headers: as(a.body.accessToken) });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('AUTH_SESSION_NOT_FOUND');
    const unknown = await call(`${auth.url}/api/auth/sessions/0190aaaa-0000-7000-8000-000000000000`, { method: 'DELETE', headers: as(a.body.accessToken) });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: foreign.body.code, detail: foreign.body.detail });
    expect((await call(`${auth.url}/api/auth/refresh`, { body: { refreshToken: other.body.refreshToken } })).status).toBe(200);

    const revoked = await call(`${auth.url}/api/auth/sessions/${sidOf(b.body.accessToken)}`, { method: 'DELETE', headers: as(a.body.accessToken) });
    expect(revoked.status).toBe(204);
    expect((await call(`${auth.url}/api/auth/refresh`, { body: { refreshToken: b.body.refreshToken } })).status).toBe(401);
    expect(await auth.platform.services.get('auth')!.context.revocations.isRevoked(sidOf(b.body.accessToken))).toBe(true);
    const listed = await call(`${auth.url}/api/auth/sessions`, { headers: as(a.body.accessToken) });
    expect(listed.body.sessions.map((session: { id: string }) => session.id)).toEqual([sidOf(a.body.accessToken)]);
    // Its access token no longer manages anything here, even before it expires.
    const stale = await call(`${auth.url}/api/auth/sessions`, { headers: as(b.body.accessToken) });
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe('AUTH_SESSION_REVOKED');
  });

  it('revokes all my other sessions and keeps the current one', async () => {
    const account = await registered(auth.url, 'many@example.org');
    const logins = [];
    for (let i = 0; i < 3; i++) logins.push(await apiLogin(auth.url, account));
    const [current, ...others] = logins;
    const answer = await call(`${auth.url}/api/auth/sessions/revoke-others`, { method: 'POST', headers: as(current!.body.accessToken) });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ revoked: 2 });
    const revocations = auth.platform.services.get('auth')!.context.revocations;
    for (const other of others) {
      expect(await revocations.isRevoked(sidOf(other.body.accessToken))).toBe(true);
      expect((await call(`${auth.url}/api/auth/refresh`, { body: { refreshToken: other.body.refreshToken } })).status).toBe(401);
    }
    expect(await revocations.isRevoked(sidOf(current!.body.accessToken))).toBe(false);
    expect((await call(`${auth.url}/api/auth/refresh`, { body: { refreshToken: current!.body.refreshToken } })).status).toBe(200);
  });
});
