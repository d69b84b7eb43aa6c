import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBothDialects } from '@versaai/testing';
import { call, registered, startCoreAuth, type CoreAuth } from './core/core-platform.ts';

describeOnBothDialects('auth: brute-force protection', (harness) => {
  let auth: CoreAuth;
  // The throttle's clock; tests move it instead of waiting.
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const login = (email: string, password: string, ip = '203.0.113.7') =>
    call(`${auth.url}/api/auth/login`, { body: { email, password }, headers: { 'x-forwarded-for': ip } });

  beforeAll(async () => {
    auth = await startCoreAuth(harness, {
      // X-Forwarded-For stands in for the gateway's, so each test has its own address.
      env: { AUTH_TRUST_PROXY: 'true', AUTH_LOGIN_FREE_ATTEMPTS: '3', AUTH_LOGIN_LOCK_AFTER: '6', AUTH_LOGIN_LOCK_DURATION: '15m', AUTH_LOGIN_IP_FREE_ATTEMPTS: '8', AUTH_LOGIN_IP_LOCK_AFTER: '12' },
      options: { now: () => clock },
    });
  });
  afterAll(async () => {
    await auth?.stop();
  });

  it('backs off exponentially after the free attempts, then locks the account with 429 and Retry-After', async () => {
    const account = await registered(auth.url, 'target@example.org');
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await login(account.email, 'wrong password 1', '203.0.113.1')).status);
    expect(statuses).toEqual([401, 401, 401]);
    // 4th failure: blocked 1 s; the correct password does not get through meanwhile.
    expect((await login(account.email, 'wrong password 1', '203.0.113.1')).status).toBe(401);
    const blocked = await login(account.email, account.password, '203.0.113.1');
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('1');
    expect(blocked.headers.get('content-type')).toContain('application/problem+json');
    expect(blocked.body).toMatchObject({ code: 'AUTH_TOO_MANY_ATTEMPTS', retryAfterSeconds: 1 });
    clock += 1_000;
    expect((await login(account.email, 'wrong password 1', '203.0.113.1')).status).toBe(401); // 5th: 2 s
    expect((await login(account.email, account.password, '203.0.113.1')).headers.get('retry-after')).toBe('2');
    clock += 2_000;
    expect((await login(account.email, 'wrong password 1', '203.0.113.1')).status).toBe(401); // 6th: locked 15 min
    const locked = await login(account.email, account.password, '203.0.113.9');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('900');
    clock += 899_000;
    expect((await login(account.email, account.password, '203.0.113.9')).status).toBe(429);
    clock += 1_000;
    expect((await login(account.email, account.password, '203.0.113.9')).status).toBe(200);
  });

  it('resets the account counter after a successful login', async () => {
    const account = await registered(auth.url, 'forgetful@example.org');
    for (let i = 0; i < 3; i++) await login(account.email, 'not my password', '203.0.113.2');
    expect((await login(account.email, account.password, '203.0.113.2')).status).toBe(200);
    // Three more free attempts, as if nothing had happened.
    for (let i = 0; i < 3; i++) expect((await login(account.email, 'not my password', '203.0.113.2')).status).toBe(401);
    expect((await login(account.email, account.password, '203.0.113.2')).status).toBe(200);
  });

  it('throttles an e-mail without an account exactly like one with an account', async () => {
    const account = await registered(auth.url, 'exists@example.org');
    const answers = async (email: string, ip: string) => {
      const seen = [];
      for (let i = 0; i < 5; i++) {
        const answer = await login(email, 'guess guess guess', ip);
        seen.push([answer.status, answer.headers.get('retry-after'), answer.body.code]);
      }
      return seen;
    };
    const existing = await answers(account.email, '203.0.113.3');
    const missing = await answers('ghost@example.org', '203.0.113.4');
    expect(missing).toEqual(existing);
    expect(existing.map(([status]) => status)).toEqual([401, 401, 401, 401, 429]);
  });

  it('throttles an address guessing across many accounts', async () => {
    const ip = '198.51.100.23';
    const statuses = [];
    for (let i = 0; i < 9; i++) statuses.push((await login(`spray-${i}@example.org`, 'Summer2026!!', ip)).status);
    // Eight free failures for the address, the 9th blocks it for 1 s: a fresh e-mail from it is refused.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 401]);
    const next = await login('spray-new@example.org', 'Summer2026!!', ip);
    expect(next.status).toBe(429);
    // Another address is not affected.
    expect((await login('spray-new@example.org', 'Summer2026!!', '198.51.100.24')).status).toBe(401);
  });

  it('holds a burst of parallel guesses to the free attempts: the rest get 429 without a password check', async () => {
    const account = await registered(auth.url, 'burst@example.org');
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => login(account.email, `parallel guess ${i}`, '192.0.2.50')));
    const verified = answers.filter((answer) => answer.status === 401).length;
    // The three free attempts, and at most the one after them (its turn, as if sequential).
    expect(verified).toBeGreaterThanOrEqual(3);
    expect(verified).toBeLessThanOrEqual(4);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(10 - verified);
    const next = await login(account.email, account.password, '192.0.2.51');
    expect(next.status).toBe(429);
    expect(Number(next.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    clock += 900_000;
  });

  it('keeps the counters in the database (shared by every replica), keyed by a hash of the e-mail', async () => {
    const rows = await auth.db.selectFrom('login_attempts').select(['key', 'failures']).execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.key).toMatch(/^(acct:[0-9a-f]{64}|ip:[0-9a-f.:]+)$/);
    expect(JSON.stringify(rows)).not.toContain('@');
  });
});
