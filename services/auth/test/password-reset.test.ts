import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBothDialects } from '@versaai/testing';
import { verifyPassword } from '../src/passwords.ts';
import { startAuthPlatform, tokenOf, type AuthPlatform } from './support/auth-platform.ts';

interface ResetData { userId: string; email: string; url: string; expiresAt: string }

describeOnBothDialects('auth: password reset', (harness) => {
  let auth: AuthPlatform;
  let userId: string;
  const email = 'grace@example.org';

  beforeAll(async () => {
    auth = await startAuthPlatform(harness, { VERSAAI_PUBLIC_URL: 'https://chat.example.org/' });
    userId = await auth.register(email, 'original password 1');
  });
  afterAll(async () => { await auth?.stop(); });

  const requestReset = (address: string) => auth.platform.app.inject({ method: 'POST', url: '/api/auth/password-reset/request', payload: { email: address } });
  const confirm = (token: string, password: string) => auth.platform.app.inject({
    method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token, password },
  });
  const passwordHash = async () => (await auth.db.selectFrom('credentials').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow()).password_hash as string;
  const storedTokens = () => auth.db.selectFrom('one_time_tokens').selectAll().where('user_id', '=', userId).where('purpose', '=', 'password_reset').execute();

  async function resetLink(): Promise<string> {
    const before = (await auth.events<ResetData>('auth.password_reset_requested')).length;
    expect((await requestReset(email)).statusCode).toBe(202);
    const url = await (async () => {
      for (;;) {
        const all = await auth.events<ResetData>('auth.password_reset_requested');
        if (all.length > before) return all[all.length - 1]!.data.url;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    return url;
  }

  it('answers an existing and an unknown address alike, and e-mails only the existing one', async () => {
    const disabledId = await auth.register('off@example.org', 'original password 1');
    await auth.db.updateTable('credentials').set({ status: 'disabled' }).where('id', '=', disabledId).execute();
    const disabled = await requestReset('off@example.org');
    const known = await requestReset('  GRACE@example.org ');
    const unknown = await requestReset('nobody@example.org');
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(unknown.json()).toEqual(known.json());
    expect(unknown.headers['content-type']).toBe(known.headers['content-type']);
    expect(unknown.body.length).toBe(known.body.length);
    expect([disabled.statusCode, disabled.body]).toEqual([unknown.statusCode, unknown.body]);

    const event = await auth.event<ResetData>('auth.password_reset_requested');
    expect(event.data).toEqual({ userId, email, url: expect.stringMatching(/^https:\/\/chat\.example\.org\/reset-password\?token=[A-Za-z0-9_-]{43}$/), expiresAt: expect.any(String) });
    // Only the hash is stored: the token in the link is not in the table.
    const rows = await storedTokens();
    expect(rows.map((row) => row.token_hash)).not.toContain(tokenOf(event.data.url));
    // The unknown and the disabled address left no event: one event for three requests.
    const nextLink = await resetLink();
    const all = await auth.events<ResetData>('auth.password_reset_requested');
    expect(all.map((e) => e.data.email)).toEqual([email, email]);
    expect(nextLink).not.toBe(event.data.url);
  });

  it('sets the new password once and ends every session; reusing the link is refused with the same code as a bogus token', async () => {
    const laptop = await auth.login(email, 'original password 1');
    const phone = await auth.login(email, 'original password 1');
    const token = tokenOf(await resetLink());
    const done = await confirm(token, 'a brand new secret');
    expect(done.statusCode, done.body).toBe(204);
    // Every session: revoked in the table (refresh fails) and listed for the edge (access tokens stop).
    for (const session of [laptop, phone]) {
      expect(await auth.isRevoked(session.sessionId)).toBe(true);
      const refresh = await auth.platform.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: session.refreshToken } });
      expect(refresh.statusCode).toBe(401);
    }
    const active = await auth.db.selectFrom('sessions').select('id').where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    expect(active).toEqual([]);
    expect((await auth.platform.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'original password 1' } })).statusCode).toBe(401);
    await auth.login(email, 'a brand new secret');
    expect(await verifyPassword(await passwordHash(), 'a brand new secret')).toBe(true);
    const credential = await auth.db.selectFrom('credentials').select(['password_changed_at', 'email_verified_at']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(credential.password_changed_at).not.toBeNull();
    expect(credential.email_verified_at).not.toBeNull();

    const reused = await confirm(token, 'another new secret');
    const bogus = await confirm('x'.repeat(43), 'another new secret');
    for (const response of [reused, bogus]) {
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID_OR_EXPIRED' });
    }
    expect(reused.json().detail).toBe(bogus.json().detail);
    expect(await verifyPassword(await passwordHash(), 'a brand new secret')).toBe(true);
  });

  it('retires older links when one is used', async () => {
    const older = tokenOf(await resetLink());
    const newer = tokenOf(await resetLink());
    expect((await confirm(newer, 'newest password yet')).statusCode).toBe(204);
    const stale = await confirm(older, 'should not be set');
    expect(stale.statusCode).toBe(400);
    expect(stale.json().code).toBe('AUTH_TOKEN_INVALID_OR_EXPIRED');
    expect(await verifyPassword(await passwordHash(), 'newest password yet')).toBe(true);
  });

  it('refuses an expired link', async () => {
    const token = tokenOf(await resetLink());
    // Expire every unused token of the user, as if the hour had passed.
    await auth.db.updateTable('one_time_tokens').set({ expires_at: new Date(Date.now() - 1_000).toISOString() })
      .where('user_id', '=', userId).where('used_at', 'is', null).execute();
    const expired = await confirm(token, 'too late for this');
    expect(expired.statusCode).toBe(400);
    expect(expired.json().code).toBe('AUTH_TOKEN_INVALID_OR_EXPIRED');
    expect(await verifyPassword(await passwordHash(), 'newest password yet')).toBe(true);
  });

  it('applies the password policy before using the link', async () => {
    const token = tokenOf(await resetLink());
    const weak = await confirm(token, 'short');
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ code: 'AUTH_PASSWORD_TOO_WEAK', reason: 'too_short' });
    const common = await confirm(token, 'Password123');
    expect(common.json()).toMatchObject({ code: 'AUTH_PASSWORD_TOO_WEAK', reason: 'common' });
    // The link still works after a refused password.
    expect((await confirm(token, 'finally a good one')).statusCode).toBe(204);
  });
});
