import { ref } from 'vue';
import { defineStore } from 'pinia';
import { api } from '../api/api-instance.ts';
import type { AdminModel, AdminModelInput, AdminModelList, AdminModelPatch } from '../api/contracts.ts';

const BASE = '/api/ai/admin/models';
const path = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

/** The AI service's model registry, as an admin edits it. Writes throw the API's error for the form to show. */
export const useAdminModelsStore = defineStore('admin-models', () => {
  const items = ref<AdminModel[]>([]);
  const loading = ref(false);
  const error = ref<unknown>(null);

  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      items.value = (await api().get<AdminModelList>(BASE)).items;
    } catch (caught) {
      error.value = caught;
    } finally {
      loading.value = false;
    }
  }

  function put(model: AdminModel): void {
    const index = items.value.findIndex((each) => each.id === model.id);
    items.value = index < 0 ? [...items.value, model] : items.value.map((each, at) => (at === index ? model : each));
    // Only one model is the default: the registry moved the flag to this one.
    if (model.isDefault) items.value = items.value.map((each) => (each.id === model.id ? each : { ...each, isDefault: false }));
  }

  async function create(input: AdminModelInput): Promise<AdminModel> {
    const created = await api().post<AdminModel>(BASE, input);
    put(created);
    return created;
  }

  async function update(id: string, patch: AdminModelPatch): Promise<AdminModel> {
    const updated = await api().request<AdminModel>('PATCH', path(id), { body: patch });
    put(updated);
    return updated;
  }

  async function remove(id: string): Promise<void> {
    await api().request<void>('DELETE', path(id));
    items.value = items.value.filter((each) => each.id !== id);
  }

  return { items, loading, error, load, create, update, remove };
});
