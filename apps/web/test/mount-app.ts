import { afterEach, beforeEach, vi } from 'vitest';
import { mount, flushPromises, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, type Router } from 'vue-router';
import type { Component } from 'vue';
import { createAppI18n, type Locale } from '../src/i18n/i18n.ts';
import { createAppRouter } from '../src/router/router.ts';

/** Mounts a component with a fresh Pinia, the app's i18n and router (memory history) at `path`. */
export async function mountWithApp(component: Component, options: { path?: string; locale?: Locale; props?: Record<string, unknown> } = {}) {
  const pinia = createPinia();
  setActivePinia(pinia);
  const i18n = createAppI18n(options.locale ?? 'en');
  const router: Router = createAppRouter(createMemoryHistory());
  await router.push(options.path ?? '/');
  await router.isReady();
  const wrapper = mount(component, { props: options.props, global: { plugins: [pinia, i18n, router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router, i18n };
}

/**
 * Unmounts, after each test, the wrapper last handed to the returned `track` (its timers and
 * listeners must not reach the next test), then runs `after`. `track(undefined)` forgets one
 * the test unmounted itself.
 */
export function unmountEachTest(after?: () => void): (wrapper: VueWrapper | undefined) => void {
  let mounted: VueWrapper | undefined;
  afterEach(() => {
    mounted?.unmount();
    mounted = undefined;
    after?.();
  });
  return (wrapper) => {
    mounted = wrapper;
  };
}

/** setTimeout/clearTimeout faked in each test (debounces, toasts); setImmediate stays real: flushPromises needs it. */
export function fakeTimeoutsEachTest(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
