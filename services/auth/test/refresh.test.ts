import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { describeOnBothDialects } from '@versaai/testing';
import { apiLogin, call, registered, startCoreAuth, type CoreAuth } from './core/core-platform.ts';

describeOnBothDialects('auth: refresh-token rotation, reuse detection, logout', (harness) => {
  let auth: CoreAuth;
  const refresh = (refreshToken: string) => call(`${auth.url}/api/auth/refresh`, { body: { refreshToken } });
  // Moves the session's rotations a minute into the past: beyond the reuse grace (10 s by default).
  const ageRotations = (sid: string) => auth.db.updateTable('refresh_tokens').set({ used_at: new Date(Date.now() - 60_000).toISOString() })
    .where('session_id', '=', sid).where('used_at', 'is not', null).execute();

  beforeAll(async () => {
    auth = await startCoreAuth(harness);
  });
  afterAll(async () => {
    await auth?.stop();
  });

  it('rotates on every use: a new refresh token and access token for the same session; the stored form is a hash', async () => {
    const login = await apiLogin(auth.url, await registered(auth.url, 'rotate@example.org'));
    const sid = decodeJwt(login.body.accessToken).sid;
    const first = await refresh(login.body.refreshToken);
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.body.refreshToken).not.toBe(login.body.refreshToken);
    expect(decodeJwt(first.body.accessToken)).toMatchObject({ sid, sub: login.body.user.id, kind: 'session' });
    const second = await refresh(first.body.refreshToken);
    expect(second.status).toBe(200);

    const rows = await auth.db.selectFrom('refresh_tokens').selectAll().where('session_id', '=', sid as string).orderBy('created_at').execute();
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect([login.body.refreshToken, first.body.refreshToken, second.body.refreshToken]).not.toContain(row.token_hash);
    }
    expect(rows.filter((row) => row.used_at !== null)).toHaveLength(2);
  });

  it('rotates the web cookie: the new token comes back in the cookie, not the body', async () => {
    const account = await registered(auth.url, 'cookie@example.org');
    const login = await call(`${auth.url}/api/auth/login`, { body: account });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const rotated = await call(`${auth.url}/api/auth/refresh`, { method: 'POST', headers: { cookie } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).toBeUndefined();
    const next = rotated.headers.get('set-cookie')!.split(';')[0]!;
    expect(next).toMatch(/^versaai_refresh=[A-Za-z0-9_-]{43}$/);
    expect(next).not.toBe(cookie);
  });

  it('revokes the whole family when a rotated token is presented again, logs a security event and lists the session as revoked', async () => {
    const login = await apiLogin(auth.url, await registered(auth.url, 'stolen@example.org'));
    const sid = decodeJwt(login.body.accessToken).sid as string;
    const rotated = await refresh(login.body.refreshToken);
    expect(rotated.status).toBe(200);
    await ageRotations(sid);

    const replay = await refresh(login.body.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('AUTH_REFRESH_REUSED');
    // The legitimate holder's newer token dies with the family.
    const legit = await refresh(rotated.body.refreshToken);
    expect(legit.status).toBe(401);
    expect(legit.body.code).toBe('AUTH_REFRESH_INVALID');

    const session = await auth.db.selectFrom('sessions').selectAll().where('id', '=', sid).executeTakeFirstOrThrow();
    expect(session.revoked_reason).toBe('refresh_reuse');
    expect(session.revoked_at).not.toBeNull();
    expect(await auth.platform.services.get('auth')!.context.revocations.isRevoked(sid)).toBe(true);
    const line = auth.logs.find((entry) => entry.event === 'security.refresh_token_reuse' && entry.sessionId === sid);
    expect(line).toMatchObject({ level: 'warn', userId: login.body.user.id, sessionId: sid });
    const everything = JSON.stringify(auth.logs);
    expect(everything).not.toContain(login.body.refreshToken);
    expect(everything).not.toContain(rotated.body.refreshToken);
  });

  it('gives each of two concurrent refreshes with the same token a working token: one rotates it, the other is within the grace', async () => {
    const login = await apiLogin(auth.url, await registered(auth.url, 'race@example.org'));
    const sid = decodeJwt(login.body.accessToken).sid as string;
    const answers = await Promise.all([refresh(login.body.refreshToken), refresh(login.body.refreshToken)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(answers[0]!.body.refreshToken).not.toBe(answers[1]!.body.refreshToken);
    // The conditional UPDATE still lets exactly one of them rotate the token.
    const used = await auth.db.selectFrom('refresh_tokens').select(['id', 'replaced_by']).where('session_id', '=', sid).where('replaced_by', 'is not', null).execute();
    expect(used).toHaveLength(1);
    for (const answer of answers) expect((await refresh(answer.body.refreshToken as string)).status).toBe(200);
    const session = await auth.db.selectFrom('sessions').select(['revoked_at']).where('id', '=', sid).executeTakeFirstOrThrow();
    expect(session.revoked_at).toBeNull();
  });

  it('lets a token rotated moments ago (a reload that lost the answer) get a new token; after the grace it revokes the session', async () => {
    const login = await apiLogin(auth.url, await registered(auth.url, 'reload@example.org'));
    const sid = decodeJwt(login.body.accessToken).sid as string;
    const lost = await refresh(login.body.refreshToken);
    expect(lost.status).toBe(200);
    const again = await refresh(login.body.refreshToken);
    expect(again.status).toBe(200);
    expect(again.body.refreshToken).not.toBe(lost.body.refreshToken);
    expect(decodeJwt(again.body.accessToken)).toMatchObject({ sid, sub: login.body.user.id });
    expect(auth.logs.find((entry) => entry.event === 'auth.refresh_within_grace' && entry.sessionId === sid)).toMatchObject({ level: 'info' });

    await ageRotations(sid);
    const replay = await refresh(login.body.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('AUTH_REFRESH_REUSED');
    expect((await refresh(again.body.refreshToken)).status).toBe(401);
  });

  it('refuses unknown, malformed and missing refresh tokens with 401 AUTH_REFRESH_INVALID', async () => {
    for (const body of [{ refreshToken: 'A'.repeat(43) }, { refreshToken: 'short' }, {}]) {
      const answer = await call(`${auth.url}/api/auth/refresh`, { body });
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('AUTH_REFRESH_INVALID');
    }
  });

  it('refuses a refresh token past its expiry', async () => {
    const login = await apiLogin(auth.url, await registered(auth.url, 'expired@example.org'));
    const sid = decodeJwt(login.body.accessToken).sid as string;
    await auth.db.updateTable('refresh_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('session_id', '=', sid).execute();
    const answer = await refresh(login.body.refreshToken);
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('AUTH_REFRESH_INVALID');
  });

  it('ends the session of a disabled account at its next refresh', async () => {
    const login = await apiLogin(auth.url, await registered(auth.url, 'later-disabled@example.org'));
    await auth.db.updateTable('credentials').set({ status: 'disabled' }).where('id', '=', login.body.user.id).execute();
    expect((await refresh(login.body.refreshToken)).status).toBe(401);
    const sid = decodeJwt(login.body.accessToken).sid as string;
    expect(await auth.platform.services.get('auth')!.context.revocations.isRevoked(sid)).toBe(true);
  });

  it('logs out by refresh token (body or cookie) or by access token: session revoked, cookie cleared, 204', async () => {
    const account = await registered(auth.url, 'bye@example.org');
    const byBody = await apiLogin(auth.url, account);
    const out = await call(`${auth.url}/api/auth/logout`, { body: { refreshToken: byBody.body.refreshToken } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^versaai_refresh=;.*Path=\/api\/auth/);
    expect((await refresh(byBody.body.refreshToken)).status).toBe(401);
    const revocations = auth.platform.services.get('auth')!.context.revocations;
    expect(await revocations.isRevoked(decodeJwt(byBody.body.accessToken).sid as string)).toBe(true);

    const web = await call(`${auth.url}/api/auth/login`, { body: account });
    const cookie = web.headers.get('set-cookie')!.split(';')[0]!;
    expect((await call(`${auth.url}/api/auth/logout`, { method: 'POST', headers: { cookie } })).status).toBe(204);
    expect(await revocations.isRevoked(decodeJwt(web.body.accessToken).sid as string)).toBe(true);

    const byAccess = await apiLogin(auth.url, account);
    const outByAccess = await call(`${auth.url}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${byAccess.body.accessToken}` } });
    expect(outByAccess.status).toBe(204);
    expect(await revocations.isRevoked(decodeJwt(byAccess.body.accessToken).sid as string)).toBe(true);
    expect((await refresh(byAccess.body.refreshToken)).status).toBe(401);

    // Nothing to end is still a clean logout.
    expect((await call(`${auth.url}/api/auth/logout`, { method: 'POST' })).status).toBe(204);
  });
});
