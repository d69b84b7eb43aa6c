import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import AdminPage from '../src/pages/admin/AdminPage.vue';
import { fakeApi, json, tokens } from './fake-api.ts';
import { mountWithApp, unmountEachTest } from './mount-app.ts';
import { adminSession, adminUser } from './admin-fixtures.ts';

const track = unmountEachTest();

async function settle(): Promise<void> {
  for (let round = 0; round < 5; round++) {
    await vi.dynamicImportSettled();
    await flushPromises();
  }
}

describe('AdminPage', () => {
  it('tells a non-admin they need the administrator role, and asks the API for nothing', async () => {
    const { calls } = fakeApi({ 'POST /api/auth/refresh': () => json(200, tokens('t1')) });
    const { wrapper } = await mountWithApp(AdminPage, { path: '/admin/users', props: { section: 'users' } });
    track(wrapper);
    await settle();
    expect(wrapper.find('[role=alert]').text()).toContain('You need the administrator role');
    expect(wrapper.find('nav').exists()).toBe(false);
    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual(['POST /api/auth/refresh']);
  });

  it('says it in Spanish too', async () => {
    fakeApi({ 'POST /api/auth/refresh': () => json(200, tokens('t1')) });
    const { wrapper } = await mountWithApp(AdminPage, { path: '/admin', locale: 'es' });
    track(wrapper);
    expect(wrapper.find('[role=alert]').text()).toContain('Necesitas el rol de administrador');
  });

  it('shows an admin the three sections, the current one marked, and opens Users by default', async () => {
    const { calls } = fakeApi({
      'POST /api/auth/refresh': adminSession,
      'GET /api/users/admin/users': () => json(200, { items: [adminUser()], nextCursor: null }),
    });
    const { wrapper } = await mountWithApp(AdminPage, { path: '/admin' });
    track(wrapper);
    await settle();
    const links = wrapper.findAll('nav a');
    expect(links.map((link) => link.text())).toEqual(['Users', 'Models', 'System']);
    expect(links[0]!.attributes('aria-current')).toBe('page');
    expect(links[1]!.attributes('href')).toBe('/admin/models');
    expect(wrapper.find('[role=alert]').exists()).toBe(false);
    expect(wrapper.text()).toContain('bob@example.com');
    expect(calls.some((call) => call.path.startsWith('/api/users/admin/users'))).toBe(true);
  });

  it('shows the section named in the route', async () => {
    fakeApi({
      'POST /api/auth/refresh': adminSession,
      'GET /api/ai/admin/models': () => json(200, { items: [] }),
    });
    const { wrapper } = await mountWithApp(AdminPage, { path: '/admin/models', props: { section: 'models' } });
    track(wrapper);
    await settle();
    expect(wrapper.find('h2').text()).toBe('Models');
    expect(wrapper.findAll('nav a')[1]!.attributes('aria-current')).toBe('page');
  });
});
