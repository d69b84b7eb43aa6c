import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, type Database } from '@versaai/storage';
import { describeOnBothDialects } from '@versaai/testing';
import { usersMigrations } from '../src/migrations/index.ts';
import { defaultPreferences } from '../src/preferences.ts';
import { preferencesRepository } from '../src/preferences-repository.ts';
import { profilesRepository } from '../src/profiles-repository.ts';

describeOnBothDialects('users: repositories', (harness) => {
  let database: Database;

  beforeAll(async () => {
    database = await harness.open('users');
    await migrate(database, usersMigrations);
  });

  afterAll(async () => {
    await database?.close();
  });

  it('creates a profile once, updates only the given fields, and reports a missing one', async () => {
    await profilesRepository.createIfMissing(database.db, { userId: 'u1', email: 'u1@example.org', displayName: 'Zoë', createdAt: '2025-03-04T05:06:07.089Z' });
    await profilesRepository.createIfMissing(database.db, { userId: 'u1', email: 'other@example.org', displayName: null, createdAt: '2025-03-04T05:06:07.089Z' });
    expect(await profilesRepository.update(database.db, 'u1', { timeZone: 'Asia/Tokyo', role: 'admin' }, '2025-03-05T00:00:00.000Z')).toBe(true);
    expect(await profilesRepository.update(database.db, 'missing', { status: 'disabled' }, '2025-03-05T00:00:00.000Z')).toBe(false);
    expect(await profilesRepository.findById(database.db, 'u1')).toEqual({
      userId: 'u1', email: 'u1@example.org', displayName: 'Zoë', avatarUrl: null, locale: null, timeZone: 'Asia/Tokyo',
      role: 'admin', status: 'active', createdAt: '2025-03-04T05:06:07.089Z', updatedAt: '2025-03-05T00:00:00.000Z',
    });
  });

  it('folds the display name for search when it changes', async () => {
    await profilesRepository.update(database.db, 'u1', { displayName: 'ÉMILE Zola' }, '2025-03-06T00:00:00.000Z');
    expect((await profilesRepository.list(database.db, { query: 'émile z', limit: 10 })).map((profile) => profile.userId)).toEqual(['u1']);
    expect(await profilesRepository.list(database.db, { query: 'zoë', limit: 10 })).toEqual([]);
    expect(await profilesRepository.list(database.db, { query: 'émile', status: 'disabled', limit: 10 })).toEqual([]);
    expect(await profilesRepository.list(database.db, { query: 'émile', role: 'user', limit: 10 })).toEqual([]);
  });

  it('stores preferences as a whole, booleans included, and replaces them', async () => {
    expect(await preferencesRepository.find(database.db, 'u1')).toBeUndefined();
    const custom = { defaultModel: 'llama-3.3-70b', theme: 'dark' as const, notifications: { email: false, slack: true, push: true, inApp: false } };
    await preferencesRepository.save(database.db, 'u1', custom, '2025-03-06T00:00:00.000Z');
    expect(await preferencesRepository.find(database.db, 'u1')).toEqual(custom);
    await preferencesRepository.save(database.db, 'u1', defaultPreferences(), '2025-03-07T00:00:00.000Z');
    expect(await preferencesRepository.find(database.db, 'u1')).toEqual(defaultPreferences());
  });

  it('erases a user, and erasing again is harmless', async () => {
    await profilesRepository.createIfMissing(database.db, { userId: 'u2', email: 'u2@example.org', displayName: null, createdAt: '2025-03-04T05:06:07.089Z' });
    for (let i = 0; i < 2; i++) {
      await preferencesRepository.erase(database.db, 'u1');
      await profilesRepository.erase(database.db, 'u1');
    }
    expect(await profilesRepository.findById(database.db, 'u1')).toBeUndefined();
    expect(await preferencesRepository.find(database.db, 'u1')).toBeUndefined();
    expect(await profilesRepository.findById(database.db, 'u2')).toBeDefined();
  });
});
