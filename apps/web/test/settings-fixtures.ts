import { beforeEach, expect, vi } from 'vitest';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import type { MeDocument, Theme } from '../src/api/contracts.ts';
import SettingsPage from '../src/pages/settings/SettingsPage.vue';
import { fakeApi, json, tokens } from './fake-api.ts';
import { mountWithApp, unmountEachTest } from './mount-app.ts';

/** A GET /api/users/me answer, as docs/users.md shows it. */
export function meDocument(overrides: { theme?: Theme; defaultModel?: string | null } & Partial<Omit<MeDocument, 'preferences'>> = {}): MeDocument {
  const { theme = 'system', defaultModel = null, ...profile } = overrides;
  return {
    userId: 'u1', email: 'ada@example.com', displayName: 'Ada', avatarUrl: null, locale: null, timeZone: 'Europe/Madrid',
    role: 'user', status: 'active', createdAt: '2026-01-02T03:04:05.678Z', updatedAt: '2026-01-02T03:04:05.678Z',
    ...profile,
    preferences: { defaultModel, theme, notifications: { email: true, slack: false, push: false, inApp: true } },
  };
}

type Routes = Parameters<typeof fakeApi>[0];

/**
 * The settings page at /settings/<section>, signed in as ada@example.com, with the profile
 * `me` and the other `routes` scripted; resolves once the section's own chunk has rendered.
 */
export async function mountSettings(section: string, routes: Routes = {}, me: MeDocument = meDocument()) {
  const api = fakeApi({
    'POST /api/auth/refresh': () => json(200, tokens('t1')),
    'GET /api/users/me': () => json(200, me),
    ...routes,
  });
  const mounted = await mountWithApp(SettingsPage, { path: `/settings/${section}`, props: { section } });
  await vi.waitFor(() => expect(mounted.wrapper.find('h2').exists()).toBe(true), { timeout: 10_000 });
  await flushPromises();
  return { ...api, ...mounted };
}

/**
 * Each test starts on a device that saved nothing (no theme, no language) and its page is
 * unmounted after it; see unmountEachTest.
 */
export function freshDeviceEachTest(after?: () => void): (wrapper: VueWrapper | undefined) => void {
  beforeEach(() => {
    localStorage.clear();
    delete document.documentElement.dataset.theme;
  });
  return unmountEachTest(after);
}
