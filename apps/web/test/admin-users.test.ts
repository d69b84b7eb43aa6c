import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import UsersSection from '../src/components/admin/UsersSection.vue';
import { fakeApi, json, problem, type RecordedCall } from './fake-api.ts';
import { fakeTimeoutsEachTest, mountWithApp, unmountEachTest } from './mount-app.ts';
import { adminSession, adminUser } from './admin-fixtures.ts';

fakeTimeoutsEachTest();
const track = unmountEachTest();

const me = adminUser({ userId: 'admin-1', email: 'root@example.com', displayName: 'Root', role: 'admin' });
const bob = adminUser();
const listCalls = (calls: RecordedCall[]) => calls.filter((call) => call.method === 'GET' && call.path.startsWith('/api/users/admin/users'));

async function mountUsers(routes: Parameters<typeof fakeApi>[0]) {
  const api = fakeApi({ 'POST /api/auth/refresh': adminSession, ...routes });
  const { wrapper } = await mountWithApp(UsersSection, { path: '/admin/users' });
  track(wrapper);
  await flushPromises();
  return { wrapper, calls: api.calls };
}

describe('Admin → Users', () => {
  it('lists users with e-mail, name, role, status and creation date', async () => {
    const { wrapper } = await mountUsers({ 'GET /api/users/admin/users': () => json(200, { items: [me, bob], nextCursor: null }) });
    const rows = wrapper.findAll('tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[1]!.text()).toContain('bob@example.com');
    expect(rows[1]!.text()).toContain('Bob');
    expect(rows[1]!.text()).toContain('Active');
    expect(rows[1]!.find('time').attributes('datetime')).toBe(bob.createdAt);
    expect((rows[1]!.find('select').element as HTMLSelectElement).value).toBe('user');
  });

  it('searches once typing pauses, not on every key', async () => {
    const { wrapper, calls } = await mountUsers({ 'GET /api/users/admin/users': () => json(200, { items: [bob], nextCursor: null }) });
    expect(listCalls(calls)).toHaveLength(1);
    const field = wrapper.get('input[type=search]');
    expect(wrapper.get('label[for=admin-user-search]').text()).toBe('Search by e-mail or name');
    await field.setValue('b');
    await field.setValue('bo');
    await field.setValue('bob');
    await vi.advanceTimersByTimeAsync(100);
    expect(listCalls(calls)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(300);
    await flushPromises();
    expect(listCalls(calls)).toHaveLength(2);
    expect(new URL(listCalls(calls)[1]!.path, 'http://x').searchParams.get('q')).toBe('bob');
  });

  it('loads the next page with the cursor', async () => {
    const { wrapper, calls } = await mountUsers({
      'GET /api/users/admin/users': (call) => (call.path.includes('cursor=c2')
        ? json(200, { items: [adminUser({ userId: 'u-eve', email: 'eve@example.com' })], nextCursor: null })
        : json(200, { items: [bob], nextCursor: 'c2' })),
    });
    await wrapper.get('button:not([aria-label])').trigger('click');
    await flushPromises();
    expect(listCalls(calls).at(-1)!.path).toContain('cursor=c2');
    expect(wrapper.findAll('tbody tr')).toHaveLength(2);
    expect(wrapper.text()).not.toContain('Load more users');
  });

  it('disables an account only after confirmation', async () => {
    const { wrapper, calls } = await mountUsers({
      'GET /api/users/admin/users': () => json(200, { items: [me, bob], nextCursor: null }),
      'POST /api/users/admin/users/u-bob/disable': () => json(200, { ...bob, status: 'disabled' }),
    });
    await wrapper.get('button[aria-label="Disable bob@example.com"]').trigger('click');
    await flushPromises();
    const dialog = wrapper.get('dialog');
    expect(dialog.text()).toContain('Disable this account?');
    expect(calls.some((call) => call.path.endsWith('/disable'))).toBe(false);
    await dialog.findAll('button').at(-1)!.trigger('click');
    await flushPromises();
    expect(calls.filter((call) => call.method === 'POST' && call.path.endsWith('/disable'))).toHaveLength(1);
    expect(wrapper.findAll('tbody tr')[1]!.text()).toContain('Disabled');
    expect(wrapper.get('button[aria-label="Enable bob@example.com"]').text()).toBe('Enable');
    expect(wrapper.get('[role=status]').text()).toBe('bob@example.com is disabled.');
  });

  it('changes a role with the select', async () => {
    const { wrapper, calls } = await mountUsers({
      'GET /api/users/admin/users': () => json(200, { items: [me, bob], nextCursor: null }),
      'PATCH /api/users/admin/users/u-bob/role': () => json(200, { ...bob, role: 'admin' }),
    });
    await wrapper.get('select[aria-label="Role of bob@example.com"]').setValue('admin');
    await flushPromises();
    const patch = calls.find((call) => call.method === 'PATCH')!;
    expect(patch.path).toBe('/api/users/admin/users/u-bob/role');
    expect(patch.body).toEqual({ role: 'admin' });
    expect(wrapper.get('[role=status]').text()).toBe('bob@example.com is now: Administrator.');
  });

  it('does not let an admin demote or disable themself, and says why', async () => {
    const { wrapper } = await mountUsers({ 'GET /api/users/admin/users': () => json(200, { items: [me, bob], nextCursor: null }) });
    const own = wrapper.get('select[aria-label="Role of root@example.com"]');
    expect(own.attributes('disabled')).toBeDefined();
    const note = wrapper.get(`#${own.attributes('aria-describedby')}`);
    expect(note.text()).toContain('You cannot disable or demote yourself');
    expect(wrapper.get('button[aria-label="Disable root@example.com"]').attributes('disabled')).toBeDefined();
  });

  it('shows a refused change as a translated error and keeps the role the server holds', async () => {
    const { wrapper } = await mountUsers({
      'GET /api/users/admin/users': () => json(200, { items: [me, bob], nextCursor: null }),
      'PATCH /api/users/admin/users/u-bob/role': () => problem(403, 'AUTH_FORBIDDEN'),
    });
    const select = wrapper.get('select[aria-label="Role of bob@example.com"]');
    await select.setValue('admin');
    await flushPromises();
    expect(wrapper.get('[role=alert]').text()).toBe('You are not allowed to do this.');
    expect((select.element as HTMLSelectElement).value).toBe('user');
  });
});
