import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEvent } from '@versaai/events';
import { describeOnBothDialects, waitFor } from '@versaai/testing';
import { startUsersPlatform, type UsersPlatform } from './users-platform.ts';

describeOnBothDialects('users: profiles built from user.registered', (harness) => {
  let users: UsersPlatform;

  beforeAll(async () => {
    users = await startUsersPlatform(harness);
  });

  afterAll(async () => {
    await users?.stop();
  });

  // Each user reads their own profile with their own token.
  const getProfile = (id: string) => users.call({ url: '/api/users/me', as: { sub: id } });
  const registration = (userId: string, email: string, key = userId) =>
    createEvent('user.registered', { userId, email, displayName: 'Edsger', registeredAt: '2025-01-02T03:04:05.678Z' }, { source: 'auth', key });

  it('creates the profile when a user registers', async () => {
    await users.publish(registration('user-1', 'edsger@example.org'));
    const response = await waitFor(async () => {
      const found = await getProfile('user-1');
      return found.statusCode === 200 ? found : undefined;
    });
    expect(response.json()).toMatchObject({
      userId: 'user-1', email: 'edsger@example.org', displayName: 'Edsger', locale: null, role: 'user', status: 'active',
      createdAt: '2025-01-02T03:04:05.678Z', updatedAt: '2025-01-02T03:04:05.678Z',
    });
  });

  it('ignores a redelivered event and a second registration event for the same user', async () => {
    const event = registration('user-2', 'tony@example.org');
    await users.publish(event);
    await users.publish(event);
    // A different event id for the same user passes the inbox; the insert must still keep the first profile.
    await users.publish(registration('user-2', 'changed@example.org'));
    // Events with the same key are handled one after another in order: once this marker's
    // profile exists, the three above have been handled.
    await users.publish(registration('user-marker', 'marker@example.org', 'user-2'));
    await waitFor(async () => ((await getProfile('user-marker')).statusCode === 200 ? true : undefined));
    expect((await getProfile('user-2')).json().email).toBe('tony@example.org');
    const rows = await users.db.selectFrom('profiles').select('user_id').where('user_id', '=', 'user-2').execute();
    expect(rows).toHaveLength(1);
  });

  it('answers a user without a profile with 404 USER_NOT_FOUND as problem+json', async () => {
    const response = await getProfile('nobody');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 404, code: 'USER_NOT_FOUND', instance: '/api/users/me' });
  });
});
