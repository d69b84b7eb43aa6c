import { defineAsyncComponent, type Component } from 'vue';

/** The sections of /settings/:section, in the order the navigation lists them. */
export const SETTINGS_SECTIONS = ['profile', 'preferences', 'sessions', 'api-keys', 'usage', 'data'] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

export function isSettingsSection(value: unknown): value is SettingsSection {
  return typeof value === 'string' && (SETTINGS_SECTIONS as readonly string[]).includes(value);
}

// Each section is its own chunk: opening the profile loads nothing of the API keys or usage.
export const SECTION_COMPONENTS: Record<SettingsSection, Component> = {
  profile: defineAsyncComponent(() => import('../../components/settings/ProfileSection.vue')),
  preferences: defineAsyncComponent(() => import('../../components/settings/PreferencesSection.vue')),
  sessions: defineAsyncComponent(() => import('../../components/settings/SessionsSection.vue')),
  'api-keys': defineAsyncComponent(() => import('../../components/settings/ApiKeysSection.vue')),
  usage: defineAsyncComponent(() => import('../../components/settings/UsageSection.vue')),
  data: defineAsyncComponent(() => import('../../components/settings/DataSection.vue')),
};

/** The catalog key of each section's name (settings.sections.<key>). */
export const SECTION_LABEL_KEYS: Record<SettingsSection, string> = {
  profile: 'settings.sections.profile',
  preferences: 'settings.sections.preferences',
  sessions: 'settings.sections.sessions',
  'api-keys': 'settings.sections.apiKeys',
  usage: 'settings.sections.usage',
  data: 'settings.sections.data',
};
