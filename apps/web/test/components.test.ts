import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import SignInPage from '../src/pages/SignInPage.vue';
import ChatMessageItem from '../src/components/ChatMessageItem.vue';
import LocaleSwitcher from '../src/components/LocaleSwitcher.vue';
import { LOCALE_STORAGE_KEY, pickLocale } from '../src/i18n/i18n.ts';
import { fakeApi, json, problem, tokens } from './fake-api.ts';
import { mountWithApp, unmountEachTest } from './mount-app.ts';

const track = unmountEachTest();

beforeEach(() => {
  localStorage.clear();
});


describe('SignInPage', () => {
  it('shows the translated message for the API error code, not the raw problem', async () => {
    fakeApi({
      'POST /api/auth/refresh': () => problem(401, 'AUTH_REFRESH_INVALID'),
      'POST /api/auth/login': () => problem(401, 'AUTH_INVALID_CREDENTIALS'),
    });
    const { wrapper } = await mountWithApp(SignInPage, { path: '/sign-in', locale: 'es' });
    track(wrapper);
    await wrapper.find('input[type=email]').setValue('ada@example.com');
    await wrapper.find('input[type=password]').setValue('wrong password');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    const alert = wrapper.find('[role=alert]');
    expect(alert.text()).toBe('El correo o la contraseña no son correctos.');
    expect(wrapper.text()).not.toContain('AUTH_INVALID_CREDENTIALS');
  });

  it('signs in and goes to the page the user came for', async () => {
    const { calls } = fakeApi({
      'POST /api/auth/refresh': () => problem(401, 'AUTH_REFRESH_INVALID'),
      'POST /api/auth/login': () => json(200, tokens('t1')),
    });
    const { wrapper, router } = await mountWithApp(SignInPage, { path: '/sign-in?redirect=/chat/c1' });
    track(wrapper);
    await wrapper.find('input[type=email]').setValue(' ada@example.com ');
    await wrapper.find('input[type=password]').setValue('correct horse battery');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(calls.find((call) => call.path === '/api/auth/login')!.body).toEqual({ email: 'ada@example.com', password: 'correct horse battery' });
    // The chat's chunks load on the way (route-level splitting).
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/chat/c1'), { timeout: 10_000 });
  });
});

describe('router guard', () => {
  it('sends a signed-out visitor of the chat to sign-in, with the way back', async () => {
    fakeApi({ 'POST /api/auth/refresh': () => problem(401, 'AUTH_REFRESH_INVALID') });
    const { wrapper, router } = await mountWithApp(LocaleSwitcher, { path: '/chat/c9' });
    track(wrapper);
    expect(router.currentRoute.value.name).toBe('sign-in');
    expect(router.currentRoute.value.query.redirect).toBe('/chat/c9');
  });
});

describe('ChatMessageItem', () => {
  it('shows a person\'s own message as text: HTML in it is shown, never executed', async () => {
    fakeApi({});
    const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';
    const message = { id: 'm1', role: 'user', content: payload, status: 'completed', errorCode: null, model: null };
    const { wrapper } = await mountWithApp(ChatMessageItem, { props: { message } });
    track(wrapper);
    expect(wrapper.find('.message-text').text()).toBe(payload);
    expect(wrapper.find('img').exists()).toBe(false);
    expect(wrapper.find('script').exists()).toBe(false);
  });

  it('renders an answer through the Markdown view: no script, no event handler, and names the model', async () => {
    fakeApi({});
    const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';
    const message = { id: 'r1', role: 'assistant', content: payload, status: 'completed', errorCode: null, model: 'versaai-offline' };
    const { wrapper } = await mountWithApp(ChatMessageItem, { props: { message } });
    track(wrapper);
    expect(wrapper.find('.message-text').exists()).toBe(true);
    expect(wrapper.find('script').exists()).toBe(false);
    expect(wrapper.find('[onerror]').exists()).toBe(false);
    expect(wrapper.find('.message-meta').text()).toContain('Answered by versaai-offline');
  });

  it('explains a failed answer with the translated reason', async () => {
    fakeApi({});
    const message = { id: 'r1', role: 'assistant', content: 'part', status: 'failed', errorCode: 'AI_IDLE_TIMEOUT', model: null };
    const { wrapper } = await mountWithApp(ChatMessageItem, { props: { message } });
    track(wrapper);
    expect(wrapper.find('.message-failure').text()).toBe('The model stopped answering. Try again.');
  });
});

describe('language', () => {
  it('comes from the saved choice, else the browser, else English', () => {
    expect(pickLocale('es', ['en-US'])).toBe('es');
    expect(pickLocale(null, ['fr-FR', 'es-MX', 'en'])).toBe('es');
    expect(pickLocale('xx', ['fr'])).toBe('en');
  });

  it('switches the whole app, persists the choice and sets <html lang>', async () => {
    fakeApi({});
    const { wrapper } = await mountWithApp(LocaleSwitcher, { locale: 'en' });
    track(wrapper);
    expect(wrapper.text()).toContain('Language');
    await wrapper.find('select').setValue('es');
    expect(wrapper.text()).toContain('Idioma');
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('es');
    expect(document.documentElement.lang).toBe('es');
  });
});
