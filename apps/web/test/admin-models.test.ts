import { describe, expect, it } from 'vitest';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import ModelsSection from '../src/components/admin/ModelsSection.vue';
import { fakeApi, json, problem } from './fake-api.ts';
import { mountWithApp, unmountEachTest } from './mount-app.ts';
import { adminModel, adminSession } from './admin-fixtures.ts';

const track = unmountEachTest();

const llama = adminModel();
const mini = adminModel({ id: 'gpt-4o-mini', provider: 'openai', upstreamModel: 'gpt-4o-mini', isDefault: false, source: 'admin', allowedPlans: ['pro'], enabled: false });

async function mountModels(routes: Parameters<typeof fakeApi>[0]) {
  const api = fakeApi({ 'POST /api/auth/refresh': adminSession, 'GET /api/ai/admin/models': () => json(200, { items: [llama, mini] }), ...routes });
  const { wrapper } = await mountWithApp(ModelsSection, { path: '/admin/models' });
  track(wrapper);
  await flushPromises();
  return { wrapper, calls: api.calls };
}

const field = (wrapper: VueWrapper, name: string) => wrapper.get(`#admin-model-${name}`);
const errorOf = (wrapper: VueWrapper, name: string) => wrapper.find(`#admin-model-${name}-error`);

describe('Admin → Models', () => {
  it('lists the registry: id, provider, upstream model, enabled, plans, context window', async () => {
    const { wrapper } = await mountModels({});
    const rows = wrapper.findAll('tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.text()).toContain('llama-3.1-8b-instant');
    expect(rows[0]!.text()).toContain('Default model');
    expect(rows[0]!.text()).toContain('All plans');
    expect(rows[0]!.text()).toContain('131,072');
    expect(rows[1]!.text()).toContain('openai');
    expect(rows[1]!.text()).toContain('pro');
    expect(rows[1]!.text()).toContain('No');
  });

  it('marks a model the provider listed (discovery) and offers no delete for it, only disable', async () => {
    const found = adminModel({ id: 'qwen2.5', provider: 'ollama', upstreamModel: 'qwen2.5', isDefault: false, discovered: true });
    const { wrapper } = await mountModels({ 'GET /api/ai/admin/models': () => json(200, { items: [llama, found] }) });
    const rows = wrapper.findAll('tbody tr');
    expect(rows[1]!.text()).toContain('Listed by the provider');
    expect(rows[1]!.find('button.danger').exists()).toBe(false);
    expect(rows[1]!.text()).toContain('Disable');
    expect(rows[0]!.text()).toContain('Configuration');
    expect(rows[0]!.find('button.danger').exists()).toBe(true);
  });

  it('checks a new model before sending it, then creates it', async () => {
    const { wrapper, calls } = await mountModels({
      'POST /api/ai/admin/models': (call) => json(201, adminModel({ ...(call.body as object), isDefault: false, source: 'admin' })),
    });
    await wrapper.get('.section-head button').trigger('click');
    await flushPromises();
    const form = wrapper.get('dialog form');
    await field(wrapper, 'id').setValue('bad id!');
    await field(wrapper, 'contextWindow').setValue('1000');
    await field(wrapper, 'maxOutputTokens').setValue('2000');
    await form.trigger('submit');
    await flushPromises();
    expect(calls.some((call) => call.method === 'POST' && call.path === '/api/ai/admin/models')).toBe(false);
    expect(errorOf(wrapper, 'id').text()).toContain('Use letters, digits');
    expect(errorOf(wrapper, 'provider').text()).toBe('This field is required.');
    expect(errorOf(wrapper, 'maxOutputTokens').text()).toBe('Must be smaller than the context window.');
    expect(field(wrapper, 'provider').attributes('aria-invalid')).toBe('true');
    expect(field(wrapper, 'provider').attributes('aria-describedby')).toContain('admin-model-provider-error');

    await field(wrapper, 'id').setValue('qwen-2.5');
    await field(wrapper, 'provider').setValue('ollama');
    await field(wrapper, 'maxOutputTokens').setValue('500');
    await field(wrapper, 'allowedPlans').setValue('free, pro');
    await form.trigger('submit');
    await flushPromises();
    const post = calls.find((call) => call.method === 'POST' && call.path === '/api/ai/admin/models')!;
    expect(post.body).toEqual({
      id: 'qwen-2.5', provider: 'ollama', contextWindow: 1000, maxOutputTokens: 500, inputPricePerMillion: 0, outputPricePerMillion: 0,
      allowedPlans: ['free', 'pro'], fallbacks: [], enabled: true, isDefault: false,
    });
    expect(wrapper.findAll('tbody tr')).toHaveLength(3);
    expect(wrapper.get('.notice').text()).toBe('qwen-2.5 was added.');
  });

  it("shows the server's refusal under the field it is about", async () => {
    const { wrapper } = await mountModels({
      'POST /api/ai/admin/models': () => problem(400, 'AI_PROVIDER_UNKNOWN', { provider: 'nope' }),
    });
    await wrapper.get('.section-head button').trigger('click');
    await flushPromises();
    await field(wrapper, 'id').setValue('x1');
    await field(wrapper, 'provider').setValue('nope');
    await field(wrapper, 'contextWindow').setValue('1000');
    await field(wrapper, 'maxOutputTokens').setValue('100');
    await wrapper.get('dialog form').trigger('submit');
    await flushPromises();
    expect(errorOf(wrapper, 'provider').text()).toBe('This provider is not configured.');
    expect(wrapper.find('dialog').attributes('open')).toBeDefined();
  });

  it('maps a VALIDATION_FAILED path to its field', async () => {
    const { wrapper } = await mountModels({
      'PATCH /api/ai/admin/models/gpt-4o-mini': () => problem(400, 'VALIDATION_FAILED', { errors: [{ path: 'body.contextWindow', message: 'must be <= 100000000' }] }),
    });
    await wrapper.get('button[aria-label="Edit gpt-4o-mini"]').trigger('click');
    await flushPromises();
    await field(wrapper, 'contextWindow').setValue('99999');
    await wrapper.get('dialog form').trigger('submit');
    await flushPromises();
    expect(errorOf(wrapper, 'contextWindow').text()).toBe('The server did not accept this value.');
  });

  it('edits a model, sending only what changed', async () => {
    const { wrapper, calls } = await mountModels({
      'PATCH /api/ai/admin/models/gpt-4o-mini': () => json(200, { ...mini, contextWindow: 64000, upstreamModel: 'gpt-4o-mini-2024' }),
    });
    await wrapper.get('button[aria-label="Edit gpt-4o-mini"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('#admin-model-id').exists()).toBe(false);
    expect((field(wrapper, 'allowedPlans').element as HTMLInputElement).value).toBe('pro');
    await field(wrapper, 'contextWindow').setValue('64000');
    await field(wrapper, 'upstreamModel').setValue('gpt-4o-mini-2024');
    await wrapper.get('dialog form').trigger('submit');
    await flushPromises();
    const patch = calls.find((call) => call.method === 'PATCH')!;
    expect(patch.body).toEqual({ contextWindow: 64000, upstreamModel: 'gpt-4o-mini-2024' });
    expect(wrapper.findAll('tbody tr')[1]!.text()).toContain('64,000');
    expect(wrapper.get('.notice').text()).toBe('gpt-4o-mini was saved.');
  });

  it('enables a disabled model in one click', async () => {
    const { wrapper, calls } = await mountModels({
      'PATCH /api/ai/admin/models/gpt-4o-mini': () => json(200, { ...mini, enabled: true }),
    });
    await wrapper.get('button[aria-label="Enable gpt-4o-mini"]').trigger('click');
    await flushPromises();
    expect(calls.find((call) => call.method === 'PATCH')!.body).toEqual({ enabled: true });
    expect(wrapper.find('button[aria-label="Disable gpt-4o-mini"]').exists()).toBe(true);
  });

  it('deletes a model after confirmation', async () => {
    const { wrapper, calls } = await mountModels({
      'DELETE /api/ai/admin/models/gpt-4o-mini': () => new Response(null, { status: 204 }),
    });
    await wrapper.get('button[aria-label="Delete gpt-4o-mini"]').trigger('click');
    await flushPromises();
    const dialog = wrapper.findAll('dialog').find((each) => each.text().includes('Delete this model?'))!;
    expect(calls.some((call) => call.method === 'DELETE')).toBe(false);
    await dialog.findAll('button').at(-1)!.trigger('click');
    await flushPromises();
    expect(calls.filter((call) => call.method === 'DELETE').map((call) => call.path)).toEqual(['/api/ai/admin/models/gpt-4o-mini']);
    expect(wrapper.findAll('tbody tr')).toHaveLength(1);
    expect(wrapper.get('.notice').text()).toBe('gpt-4o-mini was deleted.');
  });
});
