import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEmbeddedTransport, createEvent, encodeEvent, streamFor, type BusTransport } from '@versaai/events';
import { startPlatform, type RunningPlatform } from '@versaai/runtime';
import { describeOnBothDialects, waitFor } from '@versaai/testing';
import { usersService } from '../src/index.ts';

describeOnBothDialects('users: profiles built from user.registered', (harness) => {
  let platform: RunningPlatform;
  let producer: BusTransport;

  beforeAll(async () => {
    platform = await startPlatform({
      services: [usersService],
      env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', VERSAAI_DATA_DIR: harness.dataDir, DATABASE_URL: harness.databaseUrl ?? '', BUS_BLOCK_MS: '100' },
    });
    // Plays the auth service: appends events to the same embedded bus the users consumer reads.
    producer = createEmbeddedTransport({ file: join(harness.dataDir, 'bus.db') });
  });

  afterAll(async () => {
    await producer?.close();
    await platform?.stop();
  });

  const publish = (event: ReturnType<typeof createEvent>) => producer.append([{ stream: streamFor(event.type), payload: encodeEvent(event) }]);
  const getProfile = (id: string) => platform.app.inject({ method: 'GET', url: `/api/users/${id}` });
  const registration = (userId: string, email: string, key = userId) =>
    createEvent('user.registered', { userId, email, displayName: 'Edsger', registeredAt: '2025-01-02T03:04:05.678Z' }, { source: 'auth', key });

  it('creates the profile when a user registers', async () => {
    await publish(registration('user-1', 'edsger@example.org'));
    const response = await waitFor(async () => {
      const found = await getProfile('user-1');
      return found.statusCode === 200 ? found : undefined;
    });
    expect(response.json()).toEqual({
      userId: 'user-1', email: 'edsger@example.org', displayName: 'Edsger', locale: null,
      createdAt: '2025-01-02T03:04:05.678Z', updatedAt: '2025-01-02T03:04:05.678Z',
    });
  });

  it('ignores a redelivered event and a second registration event for the same user', async () => {
    const event = registration('user-2', 'tony@example.org');
    await publish(event);
    await publish(event);
    // A different event id for the same user passes the inbox; the insert must still keep the first profile.
    await publish(registration('user-2', 'changed@example.org'));
    // Events with the same key are handled one after another in order: once this marker's
    // profile exists, the three above have been handled.
    await publish(registration('user-marker', 'marker@example.org', 'user-2'));
    await waitFor(async () => ((await getProfile('user-marker')).statusCode === 200 ? true : undefined));
    expect((await getProfile('user-2')).json().email).toBe('tony@example.org');
    const rows = await platform.services.get('users')!.context.db.selectFrom('profiles').select('user_id').where('user_id', '=', 'user-2').execute();
    expect(rows).toHaveLength(1);
  });

  it('answers an unknown id with 404 USER_NOT_FOUND as problem+json', async () => {
    const response = await getProfile('nobody');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 404, code: 'USER_NOT_FOUND', instance: '/api/users/nobody' });
  });
});
