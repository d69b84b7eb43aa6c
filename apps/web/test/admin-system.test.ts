import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import SystemSection from '../src/components/admin/SystemSection.vue';
import { fakeApi, json, problem, type RecordedCall } from './fake-api.ts';
import { mountWithApp, unmountEachTest } from './mount-app.ts';
import { adminSession, systemStatus } from './admin-fixtures.ts';

let visibility: DocumentVisibilityState = 'visible';

beforeEach(() => {
  visibility = 'visible';
  vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility);
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});

const track = unmountEachTest(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const statusCalls = (calls: RecordedCall[]) => calls.filter((call) => call.path === '/api/admin/system');

async function mountSystem(answer = () => json(200, systemStatus())) {
  const api = fakeApi({ 'POST /api/auth/refresh': adminSession, 'GET /api/admin/system': answer });
  const { wrapper } = await mountWithApp(SystemSection, { path: '/admin/system' });
  track(wrapper);
  await flushPromises();
  return { wrapper, calls: api.calls };
}

const card = (wrapper: VueWrapper, name: string) => wrapper.findAll('article').find((each) => each.get('h4').text() === name)!;

describe('Admin → System', () => {
  it('shows each service and replica with health and readiness in words', async () => {
    const { wrapper } = await mountSystem();
    expect(wrapper.findAll('article').map((each) => each.get('h4').text())).toEqual(['gateway', 'users', 'chat']);
    const users = card(wrapper, 'users');
    expect(users.text()).toContain('Available');
    const [up, down] = users.findAll('li');
    expect(up!.text()).toContain('Replica http://users-1:8080');
    expect(up!.text()).toContain('Health: Up');
    expect(up!.text()).toContain('Readiness: Ready');
    expect(down!.text()).toContain('Health: Down');
    expect(down!.text()).toContain('Readiness unknown');
    expect(down!.text()).toContain('does not answer');
    expect(card(wrapper, 'gateway').text()).toContain('In the gateway process');
  });

  it('names the failing checks of a replica that is not ready', async () => {
    const { wrapper } = await mountSystem();
    const chat = card(wrapper, 'chat');
    expect(chat.text()).toContain('Unavailable');
    expect(chat.text()).toContain('Readiness: Not ready');
    expect(chat.text()).toContain('Failing checks: chat-database (failed), bus (timed out)');
    expect(chat.text()).not.toContain('chat-consumer');
  });

  it('shows the lag per group and the newest dead letters', async () => {
    const { wrapper } = await mountSystem();
    const rows = wrapper.findAll('.bus tbody tr');
    expect(rows.map((row) => row.text())).toEqual(['chat120', 'users01']);
    expect(wrapper.text()).toContain('Redis Streams');
    const letters = wrapper.get('[aria-labelledby="admin-letters-users"]');
    expect(letters.get('h4').text()).toBe('Newest dead letters of users');
    expect(letters.text()).toContain('user.registered');
    expect(letters.text()).toContain('Event user.registered v99 is not known');
    expect(letters.text()).toContain('users:1732766400000-0');
    expect(letters.get('time').attributes('datetime')).toBe('2026-11-28T03:59:00.000Z');
    expect(wrapper.find('[aria-labelledby="admin-letters-chat"]').exists()).toBe(false);
  });

  it('refreshes with the button and every 10 s while the page is visible, not while hidden', async () => {
    const { wrapper, calls } = await mountSystem();
    expect(statusCalls(calls)).toHaveLength(1);
    await wrapper.get('.section-head button').trigger('click');
    await flushPromises();
    expect(statusCalls(calls)).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(10_000);
    await flushPromises();
    expect(statusCalls(calls)).toHaveLength(3);
    visibility = 'hidden';
    document.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(30_000);
    await flushPromises();
    expect(statusCalls(calls)).toHaveLength(3);
    visibility = 'visible';
    document.dispatchEvent(new Event('visibilitychange'));
    await flushPromises();
    expect(statusCalls(calls)).toHaveLength(4);
  });

  it('shows a translated error when the status cannot be read', async () => {
    const { wrapper } = await mountSystem(() => problem(403, 'AUTH_FORBIDDEN'));
    expect(wrapper.get('[role=alert]').text()).toBe('You are not allowed to do this.');
    expect(wrapper.find('article').exists()).toBe(false);
  });
});
