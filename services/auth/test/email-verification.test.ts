import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBothDialects, waitFor } from '@versaai/testing';
import { startAuthPlatform, tokenOf, type AuthPlatform, type Session } from './support/auth-platform.ts';

interface VerificationData { userId: string; email: string; url: string; expiresAt: string }

describeOnBothDialects('auth: e-mail verification', (harness) => {
  let auth: AuthPlatform;
  let userId: string;
  let session: Session;
  const email = 'hedy@example.org';
  const password = 'frequency hopping 1';

  beforeAll(async () => {
    auth = await startAuthPlatform(harness, { VERSAAI_PUBLIC_URL: 'https://chat.example.org' });
    userId = await auth.register(email, password);
    session = await auth.login(email, password);
  });
  afterAll(async () => { await auth?.stop(); });

  const confirm = (token: string) => auth.platform.app.inject({ method: 'POST', url: '/api/auth/email-verification/confirm', payload: { token } });
  const verifiedAt = async () => (await auth.db.selectFrom('credentials').select('email_verified_at').where('id', '=', userId).executeTakeFirstOrThrow()).email_verified_at;

  it('registration asks for a verification e-mail in the same transaction, and logs it without the link', async () => {
    const event = await auth.event<VerificationData>('auth.email_verification_requested', (data) => data.userId === userId);
    expect(event.data).toEqual({
      userId, email, url: expect.stringMatching(/^https:\/\/chat\.example\.org\/verify-email\?token=[A-Za-z0-9_-]{43}$/), expiresAt: expect.any(String),
    });
    expect(Date.parse(event.data.expiresAt)).toBeGreaterThan(Date.parse(event.occurredAt));
    const row = await auth.db.selectFrom('one_time_tokens').selectAll().where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(row.purpose).toBe('email_verification');
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.token_hash).not.toBe(tokenOf(event.data.url));
    // The stand-in for the notification service: the type and the user, never the token.
    const line = await waitForLog(auth, (entry) => entry.eventType === 'auth.email_verification_requested' && entry.userId === userId);
    expect(JSON.stringify(line)).not.toContain(tokenOf(event.data.url));
    expect(JSON.stringify(auth.logs)).not.toContain(tokenOf(event.data.url));
  });

  it('confirms the address once; a reused or unknown token gets one and the same 400', async () => {
    const event = await auth.event<VerificationData>('auth.email_verification_requested', (data) => data.userId === userId);
    expect(await verifiedAt()).toBeNull();
    const done = await confirm(tokenOf(event.data.url));
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ emailVerifiedAt: expect.any(String) });
    expect(await verifiedAt()).not.toBeNull();
    for (const token of [tokenOf(event.data.url), 'not-a-token']) {
      const refused = await confirm(token);
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID_OR_EXPIRED' });
    }
  });

  it('resends on request (signed in), not twice within a minute, and not once verified', async () => {
    const otherId = await auth.register('ida@example.org', password);
    const other = await auth.login('ida@example.org', password);
    // Registration sent one a moment ago.
    const tooSoon = await auth.call(other, 'POST', '/api/auth/email-verification');
    expect(tooSoon.statusCode).toBe(429);
    expect(tooSoon.json().code).toBe('AUTH_EMAIL_VERIFICATION_TOO_SOON');
    expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(0);
    // As if two minutes had passed.
    await auth.db.updateTable('one_time_tokens').set({ created_at: new Date(Date.now() - 120_000).toISOString() }).where('user_id', '=', otherId).execute();
    const resent = await auth.call(other, 'POST', '/api/auth/email-verification');
    expect(resent.statusCode, resent.body).toBe(202);
    expect((await auth.call(other, 'POST', '/api/auth/email-verification')).statusCode).toBe(429);
    const sent = await waitFor(async () => {
      const mine = (await auth.events<VerificationData>('auth.email_verification_requested')).filter((event) => event.data.userId === otherId);
      return mine.length >= 2 ? mine : undefined;
    });
    expect(sent).toHaveLength(2);
    expect(sent[1]!.data.url).not.toBe(sent[0]!.data.url);

    const already = await auth.call(session, 'POST', '/api/auth/email-verification');
    expect(already.statusCode).toBe(409);
    expect(already.json().code).toBe('AUTH_EMAIL_ALREADY_VERIFIED');
    expect((await auth.platform.app.inject({ method: 'POST', url: '/api/auth/email-verification' })).statusCode).toBe(401);
  });

  it('refuses an expired token', async () => {
    const id = await auth.register('joan@example.org', password);
    const event = await auth.event<VerificationData>('auth.email_verification_requested', (data) => data.userId === id);
    await auth.db.updateTable('one_time_tokens').set({ expires_at: new Date(Date.now() - 1_000).toISOString() }).where('user_id', '=', id).execute();
    const expired = await confirm(tokenOf(event.data.url));
    expect(expired.statusCode).toBe(400);
    expect(expired.json().code).toBe('AUTH_TOKEN_INVALID_OR_EXPIRED');
  });
});

function waitForLog(auth: AuthPlatform, match: (entry: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return waitFor(async () => auth.logs.find(match));
}
