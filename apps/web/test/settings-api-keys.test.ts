import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { getActivePinia } from 'pinia';
import { json } from './fake-api.ts';
import { freshDeviceEachTest, mountSettings } from './settings-fixtures.ts';

const track = freshDeviceEachTest(() => vi.restoreAllMocks());

const SECRET = 'vak_0193abcd_s3cr3t-never-shown-again';
const existing = { id: 'k1', name: 'laptop script', scopes: ['ai:use'], prefix: 'vak_k1', createdAt: '2026-01-01T00:00:00.000Z', lastUsedAt: null, expiresAt: null };

function created(body: { name: string; scopes: string[] }) {
  return { id: '0193abcd', name: body.name, scopes: body.scopes, prefix: 'vak_0193abcd', createdAt: '2026-02-01T00:00:00.000Z', lastUsedAt: null, expiresAt: '2026-03-03T00:00:00.000Z', key: SECRET };
}

describe('settings: API keys', { timeout: 20_000 }, () => {
  it('lists the keys with name, prefix, scopes and dates', async () => {
    const { wrapper } = await mountSettings('api-keys', { 'GET /api/auth/api-keys': () => json(200, { apiKeys: [existing] }) });
    track(wrapper);
    const item = wrapper.find('.key');
    expect(item.text()).toContain('laptop script');
    expect(item.text()).toContain('vak_k1');
    expect(item.text()).toContain('ai:use');
    expect(item.text()).toContain('Never used');
  });

  it('shows a new key’s secret once, in a dialog; closing it forgets the secret', async () => {
    const { wrapper, calls } = await mountSettings('api-keys', {
      'GET /api/auth/api-keys': () => json(200, { apiKeys: [existing] }),
      'POST /api/auth/api-keys': (call) => json(201, created(call.body as { name: string; scopes: string[] })),
    });
    track(wrapper);
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });

    await wrapper.find('input[name=apiKeyName]').setValue('  ci bot ');
    await wrapper.find('input[name=scopes][value="chat:read"]').setValue(true);
    await wrapper.find('select[name=expiresInDays]').setValue('30');
    (wrapper.find('.create-form button[type=submit]').element as HTMLButtonElement).focus();
    await wrapper.find('.create-form').trigger('submit');
    await flushPromises();
    expect(calls.find((call) => call.path === '/api/auth/api-keys' && call.method === 'POST')!.body).toEqual({ name: 'ci bot', scopes: ['ai:use', 'chat:read'], expiresInDays: 30 });

    const dialog = wrapper.find('dialog');
    expect((dialog.element as HTMLDialogElement).open).toBe(true);
    expect(dialog.attributes('aria-modal')).toBe('true');
    expect(dialog.text()).toContain('It is shown only this once');
    expect(dialog.find<HTMLInputElement>('input').element.value).toBe(SECRET);
    await dialog.findAll('button').find((button) => button.text() === 'Copy key')!.trigger('click');
    await flushPromises();
    expect(writeText).toHaveBeenCalledWith(SECRET);
    expect(dialog.find('[role=status]').text()).toBe('Copied to the clipboard.');
    // The list shows the new key's metadata only.
    expect(wrapper.find('.key-list').text()).toContain('vak_0193abcd');
    expect(wrapper.find('.key-list').html()).not.toContain(SECRET);

    await dialog.findAll('button').find((button) => button.text() === 'I have saved it')!.trigger('click');
    await flushPromises();
    expect((wrapper.find('dialog').element as HTMLDialogElement).open).toBe(false);
    expect(document.body.innerHTML).not.toContain(SECRET);
    expect(JSON.stringify(getActivePinia()!.state.value)).not.toContain(SECRET);
    // The submit button is disabled again (the name was cleared): focus goes to the name field.
    expect(document.activeElement).toBe(wrapper.find('input[name=apiKeyName]').element);
  });

  it('closes the secret dialog with Esc as well', async () => {
    const { wrapper } = await mountSettings('api-keys', {
      'GET /api/auth/api-keys': () => json(200, { apiKeys: [] }),
      'POST /api/auth/api-keys': (call) => json(201, created(call.body as { name: string; scopes: string[] })),
    });
    track(wrapper);
    await wrapper.find('input[name=apiKeyName]').setValue('bot');
    await wrapper.find('.create-form').trigger('submit');
    await flushPromises();
    await wrapper.find('dialog').trigger('cancel');
    await flushPromises();
    expect(document.body.innerHTML).not.toContain(SECRET);
  });

  it('revokes a key after a confirmation', async () => {
    const { wrapper, calls } = await mountSettings('api-keys', {
      'GET /api/auth/api-keys': () => json(200, { apiKeys: [existing] }),
      'DELETE /api/auth/api-keys/k1': () => new Response(null, { status: 204 }),
    });
    track(wrapper);
    await wrapper.find('button[aria-label="Revoke the key laptop script"]').trigger('click');
    await flushPromises();
    const confirm = wrapper.findAll('dialog').find((dialog) => (dialog.element as HTMLDialogElement).open)!;
    expect(confirm.text()).toContain('Programs using “laptop script” will stop working at once.');
    expect(calls.some((call) => call.method === 'DELETE')).toBe(false);

    await confirm.findAll('button').find((button) => button.text() === 'Revoke')!.trigger('click');
    await flushPromises();
    expect(calls.some((call) => call.method === 'DELETE' && call.path === '/api/auth/api-keys/k1')).toBe(true);
    expect(wrapper.find('.key').exists()).toBe(false);
    expect(wrapper.text()).toContain('You have no API keys.');
    expect(wrapper.findAll('[role=status]').map((status) => status.text())).toContain('Key “laptop script” revoked.');
  });

  it('cancelling the confirmation revokes nothing', async () => {
    const { wrapper, calls } = await mountSettings('api-keys', { 'GET /api/auth/api-keys': () => json(200, { apiKeys: [existing] }) });
    track(wrapper);
    await wrapper.find('button[aria-label="Revoke the key laptop script"]').trigger('click');
    await flushPromises();
    const confirm = wrapper.findAll('dialog').find((dialog) => (dialog.element as HTMLDialogElement).open)!;
    await confirm.findAll('button').find((button) => button.text() === 'Cancel')!.trigger('click');
    await flushPromises();
    expect(wrapper.findAll('dialog').some((dialog) => (dialog.element as HTMLDialogElement).open)).toBe(false);
    expect(calls.some((call) => call.method === 'DELETE')).toBe(false);
    expect(wrapper.find('.key').exists()).toBe(true);
  });
});
