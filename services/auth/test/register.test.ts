import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEmbeddedTransport, decodeEvent, streamFor, type BusTransport } from '@versaai/events';
import { startPlatform, type RunningPlatform } from '@versaai/runtime';
import { describeOnBothDialects, waitFor } from '@versaai/testing';
import { createAuthService } from '../src/index.ts';
import { FAST_ARGON2, inlineKeys } from './core/core-platform.ts';
import { verifyPassword } from '../src/passwords.ts';

describeOnBothDialects('auth: POST /api/auth/register', (harness) => {
  let platform: RunningPlatform;
  let observer: BusTransport;
  const stream = streamFor('user.registered');

  beforeAll(async () => {
    const env = {
      PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', VERSAAI_DATA_DIR: harness.dataDir, DATABASE_URL: harness.databaseUrl ?? '', BUS_BLOCK_MS: '250',
      ...FAST_ARGON2, ...(harness.dialect === 'postgres' ? { AUTH_KEYS: await inlineKeys() } : {}),
    };
    platform = await startPlatform({ services: [createAuthService({ env })], env });
    // A second reader of the same embedded bus file sees what the relay published.
    observer = createEmbeddedTransport({ file: join(harness.dataDir, 'bus.db') });
    await observer.ensureGroup('observer', [stream]);
  });

  afterAll(async () => {
    await observer?.close();
    await platform?.stop();
  });

  const published: Array<{ userId: string; email: string }> = [];
  async function eventsSeen(count: number): Promise<Array<{ userId: string; email: string }>> {
    return waitFor(async () => {
      const entries = await observer.read('observer', 'test', [stream], { count: 100, blockMs: 0 });
      await observer.ack('observer', entries);
      published.push(...entries.map((entry) => decodeEvent(entry.payload).data as { userId: string; email: string }));
      return published.length >= count ? published : undefined;
    });
  }

  const register = (email: string, password = 'correct horse battery') => platform.app.inject({
    method: 'POST', url: '/api/auth/register', payload: { email, password },
  });

  it('stores a normalised e-mail with an argon2id hash and publishes user.registered', async () => {
    const response = await register(' Alan@Example.org ');
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ status: 'pending_verification' });
    const { id: userId } = await platform.services.get('auth')!.context.db
      .selectFrom('credentials').select('id').where('email', '=', 'alan@example.org').executeTakeFirstOrThrow();
    expect(userId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);

    const row = await platform.services.get('auth')!.context.db
      .selectFrom('credentials').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
    expect(row.email).toBe('alan@example.org');
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(row.password_hash, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(row.password_hash, 'wrong horse battery')).toBe(false);

    expect(await eventsSeen(1)).toEqual([{ userId, email: 'alan@example.org', registeredAt: expect.any(String) }]);
  });

  it('answers a taken e-mail with the same 202 (no enumeration) and publishes nothing for it', async () => {
    const duplicate = await register('ALAN@example.org');
    expect(duplicate.statusCode).toBe(202);
    expect(duplicate.json()).toEqual({ status: 'pending_verification' });
    // The relay publishes in commit order: once the next registration's event is out, a
    // stray event of the refused one would have been seen before it.
    expect((await register('ada@example.org')).statusCode).toBe(202);
    const { id: next } = await platform.services.get('auth')!.context.db
      .selectFrom('credentials').select('id').where('email', '=', 'ada@example.org').executeTakeFirstOrThrow();
    const events = await eventsSeen(2);
    expect(events.map((event) => event.userId)).toEqual([events[0]!.userId, next]);
  });

  it.each([
    [{ email: 'not-an-email', password: 'correct horse battery' }, 'body.email'],
    [{ email: 'a@example.org', password: 'x'.repeat(1025) }, 'body.password'],
    [{ email: 'a@example.org' }, 'body.password'],
  ])('rejects %j with 400 VALIDATION_FAILED at %s', async (payload, path) => {
    const response = await platform.app.inject({ method: 'POST', url: '/api/auth/register', payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ path })] });
  });
});
