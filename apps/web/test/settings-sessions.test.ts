import { describe, expect, it } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { json } from './fake-api.ts';
import { freshDeviceEachTest, meDocument, mountSettings } from './settings-fixtures.ts';

const track = freshDeviceEachTest();

const sessions = [
  { id: 's-old', device: 'Safari on iOS', ip: '203.0.113.9', createdAt: '2026-01-05T08:00:00.000Z', lastUsedAt: '2026-01-06T09:30:00.000Z', current: false },
  { id: 's-me', device: 'Firefox on Linux', ip: null, createdAt: '2026-02-01T10:00:00.000Z', lastUsedAt: '2026-02-03T12:00:00.000Z', current: true },
  { id: 's-new', device: 'Chrome on Windows', ip: '198.51.100.4', createdAt: '2026-02-02T10:00:00.000Z', lastUsedAt: '2026-02-02T23:15:00.000Z', current: false },
];

describe('settings: sessions', { timeout: 20_000 }, () => {
  it('lists this device first, marked, with times in the profile’s language and time zone', async () => {
    const { wrapper } = await mountSettings('sessions', {
      'GET /api/auth/sessions': () => json(200, { sessions }),
    }, meDocument({ timeZone: 'America/New_York' }));
    track(wrapper);
    const items = wrapper.findAll('.session');
    expect(items.map((item) => item.find('strong').text())).toEqual(['Firefox on Linux', 'Chrome on Windows', 'Safari on iOS']);
    expect(items[0]!.text()).toContain('This device');
    expect(items[1]!.text()).not.toContain('This device');
    expect(items[0]!.find('button').exists()).toBe(false);
    expect(items[1]!.text()).toContain('198.51.100.4');
    // 23:15 UTC on Feb 2 is 6:15 PM in New York.
    const expected = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'America/New_York' }).format(new Date(sessions[2]!.lastUsedAt));
    expect(expected).toContain('6:15');
    expect(items[1]!.text()).toContain(expected);
  });

  it('revokes one session', async () => {
    const { wrapper, calls } = await mountSettings('sessions', {
      'GET /api/auth/sessions': () => json(200, { sessions }),
      'DELETE /api/auth/sessions/s-new': () => new Response(null, { status: 204 }),
    });
    track(wrapper);
    await wrapper.find('button[aria-label="Revoke the session on Chrome on Windows"]').trigger('click');
    await flushPromises();
    expect(calls.some((call) => call.method === 'DELETE' && call.path === '/api/auth/sessions/s-new')).toBe(true);
    expect(wrapper.findAll('.session').map((item) => item.find('strong').text())).toEqual(['Firefox on Linux', 'Safari on iOS']);
    expect(wrapper.find('[role=status]').text()).toBe('The session on Chrome on Windows was revoked.');
  });

  it('revokes all the others and keeps this one', async () => {
    const { wrapper, calls } = await mountSettings('sessions', {
      'GET /api/auth/sessions': () => json(200, { sessions }),
      'POST /api/auth/sessions/revoke-others': () => json(200, { revoked: 2 }),
    });
    track(wrapper);
    const button = wrapper.findAll('button').find((candidate) => candidate.text() === 'Sign out all other sessions')!;
    await button.trigger('click');
    await flushPromises();
    expect(calls.filter((call) => call.path === '/api/auth/sessions/revoke-others')).toHaveLength(1);
    expect(wrapper.findAll('.session').map((item) => item.find('strong').text())).toEqual(['Firefox on Linux']);
    expect(wrapper.find('[role=status]').text()).toBe('2 other sessions were revoked.');
    expect(button.attributes('disabled')).toBeDefined();
  });

  it('shows a refused revocation translated', async () => {
    const { wrapper } = await mountSettings('sessions', {
      'GET /api/auth/sessions': () => json(200, { sessions }),
      'DELETE /api/auth/sessions/s-old': () => new Response(JSON.stringify({ status: 404, code: 'AUTH_SESSION_NOT_FOUND' }), { status: 404, headers: { 'content-type': 'application/problem+json' } }),
    });
    track(wrapper);
    await wrapper.find('button[aria-label="Revoke the session on Safari on iOS"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[role=alert]').text()).not.toContain('AUTH_SESSION_NOT_FOUND');
    expect(wrapper.findAll('.session')).toHaveLength(3);
  });
});
