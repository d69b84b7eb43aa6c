import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeProtectedHeader, decodeJwt } from 'jose';
import { createTokenVerifier, remoteKeySet } from '@versaai/identity';
import { describeOnBothDialects } from '@versaai/testing';
import { apiLogin, call, registered, startCoreAuth, type CoreAuth } from './core/core-platform.ts';

describeOnBothDialects('auth: register and login', (harness) => {
  let auth: CoreAuth;

  beforeAll(async () => {
    auth = await startCoreAuth(harness);
  });
  afterAll(async () => {
    await auth?.stop();
  });

  it('answers registration with the same 202 whether or not the e-mail is taken', async () => {
    const first = await call(`${auth.url}/api/auth/register`, { body: { email: ' Lin@Example.org ', password: 'correct horse battery staple' } });
    const again = await call(`${auth.url}/api/auth/register`, { body: { email: 'LIN@example.org', password: 'another long passphrase' } });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(first.body).toEqual({ status: 'pending_verification' });
    const rows = await auth.db.selectFrom('credentials').select('email').where('email', '=', 'lin@example.org').execute();
    expect(rows).toHaveLength(1);
  });

  it.each([
    ['short', 'too_short'],
    ['x'.repeat(257), 'too_long'],
    ['Password123', 'common'],
    ['QWERTYUIOP', 'common'],
  ])('refuses the password %j with 400 AUTH_PASSWORD_TOO_WEAK (%s)', async (password, reason) => {
    const answer = await call(`${auth.url}/api/auth/register`, { body: { email: 'weak@example.org', password } });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'AUTH_PASSWORD_TOO_WEAK', reason });
    expect(await auth.db.selectFrom('credentials').select('id').where('email', '=', 'weak@example.org').execute()).toHaveLength(0);
  });

  it('logs in with an EdDSA access token per the contract, verifiable against the JWKS', async () => {
    const account = await registered(auth.url, 'grace@example.org');
    const answer = await call(`${auth.url}/api/auth/login`, { body: { email: ' GRACE@example.org', password: account.password } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { email: 'grace@example.org', role: 'user' } });
    expect(answer.body.refreshToken).toBeUndefined();

    const header = decodeProtectedHeader(answer.body.accessToken);
    const jwks = await call(`${auth.url}/api/auth/.well-known/jwks.json`);
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: header.kid, alg: 'EdDSA', use: 'sig' });
    expect(header).toEqual({ alg: 'EdDSA', kid: jwks.body.keys[0].kid, typ: 'at+jwt' });

    const claims = decodeJwt(answer.body.accessToken);
    expect(claims).toMatchObject({ iss: 'versaai', aud: 'versaai-api', sub: answer.body.user.id, role: 'user', kind: 'session', sid: expect.any(String), jti: expect.any(String) });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(claims.scope).toBeUndefined();

    const verifier = createTokenVerifier({ keys: remoteKeySet(`${auth.url}/api/auth/.well-known/jwks.json`), issuer: 'versaai', audience: 'versaai-api' });
    expect(await verifier.verify(answer.body.accessToken)).toMatchObject({ userId: answer.body.user.id, role: 'user', kind: 'session', sessionId: claims.sid });
  });

  it('sets the web refresh cookie httpOnly, SameSite=Strict, Path=/api/auth; API clients get it in the body instead', async () => {
    const account = await registered(auth.url, 'ada@example.org');
    const web = await call(`${auth.url}/api/auth/login`, { body: account });
    const cookie = web.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^versaai_refresh=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/api/auth');
    expect(cookie).toMatch(/Max-Age=\d+/);
    // All-in-one (SQLite) serves http://localhost: Secure only when configured; distributed (PostgreSQL): Secure by default.
    expect(cookie.includes('Secure')).toBe(harness.dialect === 'postgres');

    const api = await apiLogin(auth.url, account);
    expect(api.headers.get('set-cookie')).toBeNull();
    expect(api.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const byHeader = await call(`${auth.url}/api/auth/login`, { body: account, headers: { 'x-versaai-client': 'api' } });
    expect(byHeader.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers a wrong password and an unknown e-mail identically: 401 AUTH_INVALID_CREDENTIALS', async () => {
    await registered(auth.url, 'known@example.org');
    const wrong = await call(`${auth.url}/api/auth/login`, { body: { email: 'known@example.org', password: 'not the password at all' } });
    const unknown = await call(`${auth.url}/api/auth/login`, { body: { email: 'nobody@example.org', password: 'not the password at all' } });
    const malformed = await call(`${auth.url}/api/auth/login`, { body: { email: 'not an address', password: 'x' } });
    for (const answer of [wrong, unknown, malformed]) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.headers.get('set-cookie')).toBeNull();
    }
    const strip = ({ requestId: _r, ...rest }: Record<string, unknown>) => rest;
    expect(strip(unknown.body)).toEqual(strip(wrong.body));
    expect(strip(malformed.body)).toEqual(strip(wrong.body));
    expect(wrong.body).toMatchObject({ status: 401, code: 'AUTH_INVALID_CREDENTIALS' });
  });

  it('tells a disabled account so only after its correct password', async () => {
    const account = await registered(auth.url, 'disabled@example.org');
    await auth.db.updateTable('credentials').set({ status: 'disabled' }).where('email', '=', account.email).execute();
    const wrong = await call(`${auth.url}/api/auth/login`, { body: { email: account.email, password: 'not the password at all' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('AUTH_INVALID_CREDENTIALS');
    const right = await call(`${auth.url}/api/auth/login`, { body: account });
    expect(right.status).toBe(403);
    expect(right.body.code).toBe('AUTH_ACCOUNT_DISABLED');
    expect(right.headers.get('set-cookie')).toBeNull();
  });

  it('never logs a password or token', async () => {
    const text = JSON.stringify(auth.logs);
    expect(text).not.toContain('correct horse battery staple');
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });
});
