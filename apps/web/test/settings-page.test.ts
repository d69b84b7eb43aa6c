import { describe, expect, it, vi } from 'vitest';
import { freshDeviceEachTest, mountSettings } from './settings-fixtures.ts';

const track = freshDeviceEachTest();

describe('settings page', { timeout: 20_000 }, () => {
  it('links every section, the open one marked as the current page', async () => {
    const { wrapper } = await mountSettings('profile');
    track(wrapper);
    const nav = wrapper.find('nav[aria-label="Settings sections"]');
    const links = nav.findAll('a');
    expect(links.map((link) => [link.text(), link.attributes('href')])).toEqual([
      ['Profile', '/settings/profile'],
      ['Preferences', '/settings/preferences'],
      ['Sessions', '/settings/sessions'],
      ['API keys', '/settings/api-keys'],
      ['Usage this month', '/settings/usage'],
      ['Your data', '/settings/data'],
    ]);
    expect(links[0]!.attributes('aria-current')).toBe('page');
    expect(links[1]!.attributes('aria-current')).toBeUndefined();
    expect(wrapper.find('h2').text()).toBe('Profile');
  });

  it('shows the profile, under its own address, for an unknown section', async () => {
    const { wrapper, router } = await mountSettings('nonsense');
    track(wrapper);
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/settings/profile'));
    expect(wrapper.find('h2').text()).toBe('Profile');
  });
});
