import { describe, expect, it, vi } from 'vitest';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { useSessionStore } from '../src/stores/session.ts';
import { usePreferencesStore } from '../src/stores/preferences.ts';
import { json, problem } from './fake-api.ts';
import { freshDeviceEachTest, mountSettings } from './settings-fixtures.ts';

const track = freshDeviceEachTest(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const exported = { format: 'versaai-export/1', userId: 'u1', exportedAt: '2026-05-04T10:00:00.000Z', services: { users: { profile: { displayName: 'Ada' } } } };
const buttonNamed = (wrapper: VueWrapper, text: string) => wrapper.findAll('button').find((button) => button.text() === text)!;

describe('settings: export my data', { timeout: 20_000 }, () => {
  it('downloads GET /api/privacy/export as a dated JSON file', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-05-04T10:00:00Z'));
    const blobs: Blob[] = [];
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return 'blob:export';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    const { wrapper } = await mountSettings('data', { 'GET /api/privacy/export': () => json(200, exported) });
    track(wrapper);
    await buttonNamed(wrapper, 'Export my data').trigger('click');
    await flushPromises();
    expect(createObjectURL).toHaveBeenCalledTimes(1);
    expect(blobs[0]!.type).toBe('application/json');
    expect(JSON.parse(await blobs[0]!.text())).toEqual(exported);
    expect(clicked).toHaveLength(1);
    expect(clicked[0]!.download).toBe('versaai-export-2026-05-04.json');
    expect(clicked[0]!.href).toBe('blob:export');
    expect(clicked[0]!.isConnected).toBe(false);
    expect(wrapper.find('[role=status]').text()).toBe('Your export was downloaded.');
  });

  it('shows a failed export translated', async () => {
    const { wrapper } = await mountSettings('data', { 'GET /api/privacy/export': () => problem(503, 'PRIVACY_EXPORT_INCOMPLETE') });
    track(wrapper);
    await buttonNamed(wrapper, 'Export my data').trigger('click');
    await flushPromises();
    expect(wrapper.find('[role=alert]').exists()).toBe(true);
    expect(wrapper.text()).not.toContain('PRIVACY_EXPORT_INCOMPLETE');
  });
});

describe('settings: delete my account', { timeout: 20_000 }, () => {
  it('asks for the password, deletes, forgets the session and goes to sign-in with a notice', async () => {
    let attempts = 0;
    const { wrapper, calls, router } = await mountSettings('data', {
      'DELETE /api/auth/account': (call) => {
        attempts += 1;
        return (call.body as { password: string }).password === 'correct horse battery' ? new Response(null, { status: 204 }) : problem(400, 'AUTH_CURRENT_PASSWORD_INVALID');
      },
    });
    track(wrapper);
    expect(useSessionStore().signedIn).toBe(true);
    await buttonNamed(wrapper, 'Delete my account…').trigger('click');
    await flushPromises();
    const dialog = wrapper.find('dialog');
    expect((dialog.element as HTMLDialogElement).open).toBe(true);
    const confirm = buttonNamed(wrapper, 'Delete my account for good');
    expect(confirm.attributes('disabled')).toBeDefined();

    await dialog.find('input[type=password]').setValue('wrong password');
    await dialog.find('form').trigger('submit');
    await flushPromises();
    expect(dialog.find('[role=alert]').exists()).toBe(true);
    expect(useSessionStore().signedIn).toBe(true);

    await dialog.find('input[type=password]').setValue('correct horse battery');
    await dialog.find('form').trigger('submit');
    await flushPromises();
    expect(attempts).toBe(2);
    expect(calls.filter((call) => call.method === 'DELETE').at(-1)!.body).toEqual({ password: 'correct horse battery' });
    expect(useSessionStore().signedIn).toBe(false);
    expect(usePreferencesStore().me).toBeNull();
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('sign-in'), { timeout: 10_000 });
    expect(router.currentRoute.value.query.notice).toBe('account-deleted');
  });

  it('Cancel closes the dialog and deletes nothing', async () => {
    const { wrapper, calls } = await mountSettings('data');
    track(wrapper);
    await buttonNamed(wrapper, 'Delete my account…').trigger('click');
    await flushPromises();
    await buttonNamed(wrapper, 'Cancel').trigger('click');
    await flushPromises();
    expect((wrapper.find('dialog').element as HTMLDialogElement).open).toBe(false);
    expect(calls.some((call) => call.method === 'DELETE')).toBe(false);
  });
});
