import { describe, expect, it } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { THEME_STORAGE_KEY } from '../src/composables/use-theme.ts';
import { LOCALE_STORAGE_KEY } from '../src/i18n/i18n.ts';
import { useModelsStore } from '../src/stores/models.ts';
import type { MeDocument, MePatch } from '../src/api/contracts.ts';
import { json, problem, type RecordedCall } from './fake-api.ts';
import { freshDeviceEachTest, meDocument, mountSettings } from './settings-fixtures.ts';

const track = freshDeviceEachTest();

/** PATCH /api/users/me answers the patched document, as the users service does. */
function patchable(me: MeDocument) {
  let current = me;
  return (call: RecordedCall) => {
    const patch = call.body as MePatch;
    current = { ...current, ...patch, preferences: { ...current.preferences, ...patch.preferences } } as MeDocument;
    return json(200, current);
  };
}

const patches = (calls: RecordedCall[]) => calls.filter((call) => call.method === 'PATCH').map((call) => call.body);

describe('settings: preferences', { timeout: 20_000 }, () => {
  it('switches the language at once and saves it to the profile', async () => {
    const me = meDocument();
    const { wrapper, calls, i18n } = await mountSettings('preferences', {
      'PATCH /api/users/me': patchable(me),
      'GET /api/ai/models': () => json(200, { items: [], defaultModel: null }),
    }, me);
    track(wrapper);
    await wrapper.find('select[name=locale]').setValue('es');
    expect(i18n.global.locale.value).toBe('es');
    expect(document.documentElement.lang).toBe('es');
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('es');
    await flushPromises();
    expect(patches(calls)).toEqual([{ locale: 'es' }]);
    expect(wrapper.find('[role=status]').text()).toBe('Preferencias guardadas.');
  });

  it('offers every time zone, starts with the profile’s, and saves a new one', async () => {
    const me = meDocument({ timeZone: 'Europe/Madrid' });
    const { wrapper, calls } = await mountSettings('preferences', {
      'PATCH /api/users/me': patchable(me),
      'GET /api/ai/models': () => json(200, { items: [], defaultModel: null }),
    }, me);
    track(wrapper);
    const select = wrapper.find<HTMLSelectElement>('select[name=timeZone]');
    expect(select.element.value).toBe('Europe/Madrid');
    expect(select.findAll('option').map((option) => option.element.value)).toContain('America/Mexico_City');
    await select.setValue('America/Mexico_City');
    await flushPromises();
    expect(patches(calls)).toEqual([{ timeZone: 'America/Mexico_City' }]);
  });

  it('applies a theme at once and saves it in the preferences', async () => {
    const me = meDocument({ theme: 'system' });
    const { wrapper, calls } = await mountSettings('preferences', {
      'PATCH /api/users/me': patchable(me),
      'GET /api/ai/models': () => json(200, { items: [], defaultModel: null }),
    }, me);
    track(wrapper);
    expect(wrapper.find<HTMLInputElement>('input[name=theme][value=system]').element.checked).toBe(true);
    await wrapper.find('input[name=theme][value=dark]').setValue(true);
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    await flushPromises();
    expect(patches(calls)).toEqual([{ preferences: { theme: 'dark' } }]);
    expect(wrapper.find('[role=status]').text()).toBe('Preferences saved.');
  });

  it('lists the plan’s models for the default one; the empty choice is the platform default (null)', async () => {
    const me = meDocument({ defaultModel: 'big-model' });
    const { wrapper, calls } = await mountSettings('preferences', {
      'PATCH /api/users/me': patchable(me),
      'GET /api/ai/models': () => json(200, {
        items: [
          { id: 'versaai-offline', provider: 'offline', contextWindow: 8192, maxOutputTokens: 1024, inputPricePerMillion: 0, outputPricePerMillion: 0, default: true },
          { id: 'big-model', provider: 'groq', contextWindow: 128000, maxOutputTokens: 8192, inputPricePerMillion: 1, outputPricePerMillion: 2, default: false },
        ],
        defaultModel: 'versaai-offline',
      }),
    }, me);
    track(wrapper);
    const select = wrapper.find<HTMLSelectElement>('select[name=defaultModel]');
    expect(select.element.value).toBe('big-model');
    expect(select.findAll('option').map((option) => option.text())).toEqual(['Platform default (versaai-offline)', 'versaai-offline', 'big-model']);
    await select.setValue('');
    await flushPromises();
    expect(patches(calls)).toEqual([{ preferences: { defaultModel: null } }]);
    // The chat's picker follows without a reload.
    expect(useModelsStore().userDefault).toBeNull();
  });

  it('shows a refused save translated', async () => {
    const { wrapper } = await mountSettings('preferences', {
      'PATCH /api/users/me': () => problem(400, 'VALIDATION_FAILED', { errors: [{ path: 'body.timeZone', message: 'bad' }] }),
      'GET /api/ai/models': () => json(200, { items: [], defaultModel: null }),
    });
    track(wrapper);
    await wrapper.find('select[name=timeZone]').setValue('Asia/Tokyo');
    await flushPromises();
    expect(wrapper.find('[role=alert]').exists()).toBe(true);
    expect(wrapper.text()).not.toContain('VALIDATION_FAILED');
  });
});

describe('settings: profile', { timeout: 20_000 }, () => {
  it('saves the display name and shows a refused field beside it', async () => {
    let refuse = true;
    const { wrapper, calls } = await mountSettings('profile', {
      'PATCH /api/users/me': (call) => (refuse
        ? problem(400, 'VALIDATION_FAILED', { errors: [{ path: 'body.avatarUrl', message: 'must be an https URL' }] })
        : json(200, meDocument({ displayName: (call.body as MePatch).displayName! }))),
    });
    track(wrapper);
    expect(wrapper.find<HTMLInputElement>('input[name=displayName]').element.value).toBe('Ada');
    await wrapper.find('input[name=displayName]').setValue('  Ada L.  ');
    await wrapper.find('input[name=avatarUrl]').setValue('http://example.com/a.png');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('input[name=avatarUrl]').attributes('aria-invalid')).toBe('true');
    expect(wrapper.find('#profile-avatarUrl-error').text()).toBe('Enter an https:// address without a user name or password.');
    expect(wrapper.find('input[name=displayName]').attributes('aria-invalid')).toBeUndefined();

    refuse = false;
    await wrapper.find('input[name=avatarUrl]').setValue('');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(calls.filter((call) => call.method === 'PATCH').at(-1)!.body).toEqual({ displayName: 'Ada L.', avatarUrl: null });
    expect(wrapper.find('#profile-avatarUrl-error').exists()).toBe(false);
    expect(wrapper.find('[role=status]').text()).toBe('Profile saved.');
  });
});
