import { beforeEach, describe, expect, it } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import ChatMessageItem from '../src/components/ChatMessageItem.vue';
import BranchSwitcher from '../src/components/chat/BranchSwitcher.vue';
import ModelPicker from '../src/components/chat/ModelPicker.vue';
import OfflineBanner from '../src/components/chat/OfflineBanner.vue';
import { useModelsStore } from '../src/stores/models.ts';
import type { ChatMessage } from '../src/stores/chat.ts';
import { fakeApi, json, problem } from './fake-api.ts';
import { mountWithApp, unmountEachTest } from './mount-app.ts';
import { offlineModels, realModels } from './chat-fixtures.ts';

const track = unmountEachTest();

beforeEach(() => {
  localStorage.clear();
});


const answer = (extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: 'r1', role: 'assistant', content: 'An answer', status: 'completed', errorCode: null, model: 'llama-3.3-70b', provider: 'groq',
  usage: { promptTokens: 12, completionTokens: 34 }, siblingCount: 1, siblingIndex: 0, siblingIds: ['r1'], ...extra,
});

describe('BranchSwitcher', () => {
  it('shows "‹ 2/3 ›" and asks for the neighbouring version', async () => {
    fakeApi({});
    const { wrapper } = await mountWithApp(BranchSwitcher, { props: { ids: ['a', 'b', 'c'], index: 1 } });
    track(wrapper);
    expect(wrapper.find('.branch-position').text()).toBe('2/3');
    expect(wrapper.text()).toContain('Version 2 of 3');
    await wrapper.find('button[aria-label="Previous version"]').trigger('click');
    await wrapper.find('button[aria-label="Next version"]').trigger('click');
    expect(wrapper.emitted('switch')).toEqual([['a'], ['c']]);
  });

  it('disables the arrows at the ends', async () => {
    fakeApi({});
    const { wrapper } = await mountWithApp(BranchSwitcher, { props: { ids: ['a', 'b'], index: 0 } });
    track(wrapper);
    expect(wrapper.find('.branch-prev').attributes('disabled')).toBeDefined();
    expect(wrapper.find('.branch-next').attributes('disabled')).toBeUndefined();
  });
});

describe('ChatMessageItem', () => {
  it('shows the switcher only on messages with siblings, and passes the switch on', async () => {
    fakeApi({});
    const { wrapper } = await mountWithApp(ChatMessageItem, { props: { message: answer({ siblingCount: 3, siblingIndex: 2, siblingIds: ['r0', 'rx', 'r1'] }) } });
    track(wrapper);
    expect(wrapper.find('.branch-position').text()).toBe('3/3');
    await wrapper.find('.branch-prev').trigger('click');
    expect(wrapper.emitted('switch')).toEqual([['rx']]);
    await wrapper.setProps({ message: answer() });
    expect(wrapper.find('.branch-switcher').exists()).toBe(false);
  });

  it('names the provider, the model and the token usage of an answer', async () => {
    fakeApi({});
    const { wrapper } = await mountWithApp(ChatMessageItem, { props: { message: answer(), position: 4 } });
    track(wrapper);
    expect(wrapper.find('.message-meta').text()).toContain('Answered by llama-3.3-70b via groq');
    expect(wrapper.find('.message-meta').text()).toContain('12 prompt + 34 completion tokens');
    expect(wrapper.find('article').attributes('aria-label')).toBe('Answer 4');
  });

  it('shows a failed answer with its translated reason and a Retry that regenerates it', async () => {
    fakeApi({});
    const { wrapper } = await mountWithApp(ChatMessageItem, {
      props: { message: answer({ content: 'part', status: 'failed', errorCode: 'AI_IDLE_TIMEOUT' }) }, locale: 'es',
    });
    track(wrapper);
    expect(wrapper.find('.message-failure').text()).not.toContain('AI_IDLE_TIMEOUT');
    expect(wrapper.find('.message-failure').text()).not.toBe('');
    expect(wrapper.find('.message-regenerate').exists()).toBe(false);
    await wrapper.find('button.message-retry').trigger('click');
    expect(wrapper.emitted('regenerate')).toEqual([['r1']]);
  });

  it('falls back to a generic sentence for an unknown failure code', async () => {
    fakeApi({});
    const { wrapper } = await mountWithApp(ChatMessageItem, { props: { message: answer({ status: 'failed', errorCode: 'SOMETHING_NEW' }) } });
    track(wrapper);
    expect(wrapper.find('.message-failure').text()).toBe('The answer failed.');
  });

  it('regenerates a finished answer, but offers nothing while it is being written', async () => {
    fakeApi({});
    const { wrapper } = await mountWithApp(ChatMessageItem, { props: { message: answer() } });
    track(wrapper);
    await wrapper.find('button[aria-label="Regenerate this answer"]').trigger('click');
    expect(wrapper.emitted('regenerate')).toEqual([['r1']]);
    await wrapper.setProps({ message: answer({ status: 'streaming' }) });
    expect(wrapper.find('.message-regenerate').exists()).toBe(false);
    expect(wrapper.find('article').attributes('aria-busy')).toBe('true');
  });

  it('edits a sent message inline: Enter sends the edit, Esc gives up and focus returns to Edit', async () => {
    fakeApi({});
    const message: ChatMessage = { id: 'm1', role: 'user', content: 'Hello\n  there', status: 'completed', errorCode: null, model: null };
    const { wrapper } = await mountWithApp(ChatMessageItem, { props: { message } });
    track(wrapper);
    expect(wrapper.find('.message-text').element.textContent).toBe('Hello\n  there'); // whitespace kept
    await wrapper.find('button[aria-label="Edit this message"]').trigger('click');
    const editor = wrapper.find('textarea');
    expect(document.activeElement).toBe(editor.element);
    await editor.trigger('keydown', { key: 'Escape' });
    expect(wrapper.find('textarea').exists()).toBe(false);
    expect(document.activeElement).toBe(wrapper.find('.message-edit').element);

    await wrapper.find('.message-edit').trigger('click');
    await wrapper.find('textarea').setValue('Hello again');
    await wrapper.find('textarea').trigger('keydown', { key: 'Enter' });
    expect(wrapper.emitted('edit')).toEqual([['m1', 'Hello again']]);
  });
});

describe('ModelPicker', () => {
  it('starts at the user\'s default model and records a choice', async () => {
    fakeApi({
      'GET /api/ai/models': () => json(200, realModels),
      'GET /api/users/me': () => json(200, { preferences: { defaultModel: 'gpt-4o-mini' } }),
    });
    const { wrapper } = await mountWithApp(ModelPicker);
    track(wrapper);
    const models = useModelsStore();
    await models.load();
    await flushPromises();
    const select = wrapper.find<HTMLSelectElement>('select#model-picker');
    expect(wrapper.find('label[for="model-picker"]').text()).toBe('Model');
    expect(select.findAll('option').map((option) => option.text())).toEqual(['llama-3.3-70b (groq)', 'gpt-4o-mini (openai)']);
    expect(select.element.value).toBe('gpt-4o-mini');
    await select.setValue('llama-3.3-70b');
    expect(models.selected).toBe('llama-3.3-70b');
  });

  it('uses the platform default when the user has none, or their profile cannot be read', async () => {
    fakeApi({ 'GET /api/ai/models': () => json(200, realModels), 'GET /api/users/me': () => problem(404, 'USER_NOT_FOUND') });
    const { wrapper } = await mountWithApp(ModelPicker);
    track(wrapper);
    await useModelsStore().load();
    await flushPromises();
    expect(wrapper.find<HTMLSelectElement>('select').element.value).toBe('llama-3.3-70b');
  });

  it('ignores a saved default the plan no longer offers', async () => {
    fakeApi({ 'GET /api/ai/models': () => json(200, realModels), 'GET /api/users/me': () => json(200, { preferences: { defaultModel: 'gone-model' } }) });
    setActivePinia(createPinia());
    const models = useModelsStore();
    await models.load();
    expect(models.selected).toBe('llama-3.3-70b');
  });

  it('says so when the list cannot be read', async () => {
    fakeApi({ 'GET /api/ai/models': () => problem(503, 'SERVICE_UNAVAILABLE'), 'GET /api/users/me': () => json(200, {}) });
    const { wrapper } = await mountWithApp(ModelPicker);
    track(wrapper);
    await useModelsStore().load();
    await flushPromises();
    expect(wrapper.find('select').exists()).toBe(false);
    expect(wrapper.find('.model-picker-unavailable').exists()).toBe(true);
  });
});

describe('OfflineBanner', () => {
  it('explains how to configure a provider when the offline model is all there is', async () => {
    fakeApi({ 'GET /api/ai/models': () => json(200, offlineModels), 'GET /api/users/me': () => json(200, { preferences: { defaultModel: null } }) });
    const { wrapper } = await mountWithApp(OfflineBanner);
    track(wrapper);
    await useModelsStore().load();
    await flushPromises();
    const banner = wrapper.find('.offline-banner');
    expect(banner.exists()).toBe(true);
    for (const variable of ['GROQ_API_KEY', 'OPENAI_API_KEY', 'OLLAMA_URL']) expect(banner.text()).toContain(variable);
  });

  it('stays away when a real provider is configured', async () => {
    fakeApi({ 'GET /api/ai/models': () => json(200, realModels), 'GET /api/users/me': () => json(200, {}) });
    const { wrapper } = await mountWithApp(OfflineBanner);
    track(wrapper);
    await useModelsStore().load();
    await flushPromises();
    expect(wrapper.find('.offline-banner').exists()).toBe(false);
  });
});
