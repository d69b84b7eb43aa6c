import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { usePreferencesStore } from '../../stores/preferences.ts';

/** Dates and numbers in the person's language and time zone (the profile's, else the browser's). */
export function useSettingsFormat() {
  const { locale } = useI18n({ useScope: 'global' });
  const preferences = usePreferencesStore();

  const dateTime = computed(() => new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium', timeStyle: 'short', timeZone: preferences.timeZone }));
  // A UTC day (YYYY-MM-DD) is a calendar day, not an instant: shown as such, whatever the zone.
  const day = computed(() => new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium', timeZone: 'UTC' }));
  const integer = computed(() => new Intl.NumberFormat(locale.value));

  return {
    formatDateTime: (iso: string) => dateTime.value.format(new Date(iso)),
    formatDay: (utcDay: string) => day.value.format(new Date(`${utcDay}T00:00:00Z`)),
    formatNumber: (value: number) => integer.value.format(value),
  };
}
