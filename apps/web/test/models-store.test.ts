import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useModelsStore } from '../src/stores/models.ts';
import { usePreferencesStore } from '../src/stores/preferences.ts';
import { fakeApi, json } from './fake-api.ts';
import { offlineModels, realModels } from './chat-fixtures.ts';

describe('models store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  it('takes the default model from the profile the app reads once, with one GET /api/users/me', async () => {
    const { calls } = fakeApi({
      'GET /api/ai/models': () => json(200, realModels),
      'GET /api/users/me': () => json(200, { preferences: { defaultModel: 'gpt-4o-mini' } }),
    });
    await usePreferencesStore().load();
    const models = useModelsStore();
    await models.load();
    expect(models.selected).toBe('gpt-4o-mini');
    expect(calls.filter((call) => call.method === 'GET' && call.path === '/api/users/me')).toHaveLength(1);
  });

  it('forgets the list, the default and the choice on clear, so the next person reads their own', async () => {
    let list = realModels;
    let preferred: string | null = 'gpt-4o-mini';
    fakeApi({
      'GET /api/ai/models': () => json(200, list),
      'GET /api/users/me': () => json(200, { preferences: { defaultModel: preferred } }),
    });
    const models = useModelsStore();
    await models.load();
    models.choose('llama-3.3-70b');
    expect(models.selected).toBe('llama-3.3-70b');

    models.clear();
    usePreferencesStore().clear();
    expect(models.items).toEqual([]);
    expect(models.selected).toBeNull();
    list = offlineModels;
    preferred = null;
    await models.load();
    expect(models.selected).toBe('versaai-offline');
    expect(models.offlineOnly).toBe(true);
  });
});
