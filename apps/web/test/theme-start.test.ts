import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import App from '../src/App.vue';
import { applySavedTheme, savedTheme, THEME_STORAGE_KEY } from '../src/composables/use-theme.ts';
import { usePreferencesStore } from '../src/stores/preferences.ts';
import { fakeApi, json, problem, tokens } from './fake-api.ts';
import { mountWithApp } from './mount-app.ts';
import { freshDeviceEachTest, meDocument } from './settings-fixtures.ts';

const themeOfPage = () => document.documentElement.dataset.theme;

const track = freshDeviceEachTest();

describe('the theme at start', () => {
  it('follows the system when this device saved nothing', () => {
    expect(applySavedTheme()).toBe('system');
    expect(themeOfPage()).toBe('system');
  });

  it('starts with the theme this device saved, before any API call', () => {
    localStorage.setItem(THEME_STORAGE_KEY, 'dark');
    expect(applySavedTheme()).toBe('dark');
    expect(themeOfPage()).toBe('dark');
  });

  it('ignores a saved value that is no theme', () => {
    localStorage.setItem(THEME_STORAGE_KEY, 'purple');
    expect(savedTheme()).toBe('system');
  });

  it('takes the profile’s theme once the API answers, and keeps it on this device', async () => {
    localStorage.setItem(THEME_STORAGE_KEY, 'dark');
    applySavedTheme();
    fakeApi({
      'POST /api/auth/refresh': () => json(200, tokens('t1')),
      'GET /api/users/me': () => json(200, meDocument({ theme: 'light' })),
    });
    const { wrapper } = await mountWithApp(App, { path: '/settings/profile' });
    track(wrapper);
    await flushPromises();
    expect(themeOfPage()).toBe('light');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('light');
  });
});

describe('choosing a theme', () => {
  it('applies it at once, saves it in the preferences and on this device', async () => {
    let answer: (response: Response) => void = () => {};
    const { calls } = fakeApi({
      'POST /api/auth/refresh': () => json(200, tokens('t1')),
      'GET /api/users/me': () => json(200, meDocument({ theme: 'system' })),
      'PATCH /api/users/me': () => new Promise<Response>((resolve) => (answer = resolve)),
    });
    const { wrapper } = await mountWithApp(App, { path: '/settings/profile' });
    track(wrapper);
    const preferences = usePreferencesStore();
    const saving = preferences.setTheme('dark');
    // Before the API answers.
    expect(themeOfPage()).toBe('dark');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    await flushPromises();
    answer(json(200, meDocument({ theme: 'dark' })));
    await saving;
    expect(calls.find((call) => call.method === 'PATCH')!.body).toEqual({ preferences: { theme: 'dark' } });
    expect(themeOfPage()).toBe('dark');
  });

  it('goes back to the previous theme when the API refuses it', async () => {
    fakeApi({
      'POST /api/auth/refresh': () => json(200, tokens('t1')),
      'GET /api/users/me': () => json(200, meDocument({ theme: 'light' })),
      'PATCH /api/users/me': () => problem(503, 'SERVICE_UNAVAILABLE'),
    });
    const { wrapper } = await mountWithApp(App, { path: '/settings/profile' });
    track(wrapper);
    await flushPromises();
    await expect(usePreferencesStore().setTheme('dark')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(themeOfPage()).toBe('light');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('light');
  });
});

describe('styles.css', () => {
  const css = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'styles.css'), 'utf8');

  it('gives <html data-theme="dark"> the dark tokens, and the system’s dark mode unless light was chosen', () => {
    // color-scheme picks the side of every light-dark() pair: the choice, else the system's.
    expect(css).toMatch(/:root\s*\{\s*color-scheme: light dark;\s*\}/);
    expect(css).toMatch(/:root\[data-theme='light'\]\s*\{\s*color-scheme: light;\s*\}/);
    expect(css).toMatch(/:root\[data-theme='dark'\]\s*\{\s*color-scheme: dark;\s*\}/);
    const colours = [...css.matchAll(/^\s*(--[a-z-]+):\s*([^;]+);/gm)].filter(([, name]) => !name!.startsWith('--md-'));
    expect(colours.map(([, name]) => name)).toEqual(expect.arrayContaining(['--bg', '--surface', '--text', '--accent', '--code-keyword']));
    for (const [, name, value] of colours) expect(value, name).toMatch(/^light-dark\(#[0-9a-f]{6}, #[0-9a-f]{6}\)$/);
    expect(css).toMatch(/--bg: light-dark\(#f7f7fb, #14151c\)/);
  });
});
