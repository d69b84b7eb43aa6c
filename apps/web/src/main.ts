import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { ApiClient } from './api/api-client.ts';
import { setApi } from './api/api-instance.ts';
import { applyLocale, createAppI18n } from './i18n/i18n.ts';
import { applySavedTheme } from './composables/use-theme.ts';
import { createAppRouter } from './router/router.ts';
import { useSessionStore } from './stores/session.ts';
import './styles.css';

// Before anything renders: this device's theme, so the page never flashes the other one.
applySavedTheme();

const pinia = createPinia();
const i18n = createAppI18n();
applyLocale(i18n.global.locale, i18n.global.locale.value);
const router = createAppRouter();

setApi(new ApiClient({
  // The refresh cookie no longer works (revoked, expired): back to sign-in, then back here.
  onSessionLost: () => {
    useSessionStore(pinia).forget();
    const here = router.currentRoute.value;
    if (here.meta.requiresAuth) void router.push({ name: 'sign-in', query: { redirect: here.fullPath } });
  },
}));

createApp(App).use(pinia).use(i18n).use(router).mount('#app');
