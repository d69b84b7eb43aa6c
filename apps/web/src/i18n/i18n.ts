import { createI18n } from 'vue-i18n';
import { messagesEn, type MessageSchema } from './messages-en.ts';
import { messagesEs } from './messages-es.ts';

export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export const LOCALE_STORAGE_KEY = 'versaai.locale';

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The saved choice, else the first browser language we speak (es-MX → es), else English. */
export function pickLocale(saved: string | null, browserLanguages: readonly string[]): Locale {
  if (isLocale(saved)) return saved;
  for (const language of browserLanguages) {
    const base = language.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return 'en';
}

function readSaved(): string | null {
  try {
    return globalThis.localStorage?.getItem(LOCALE_STORAGE_KEY) ?? null;
  } catch {
    return null; // storage blocked (privacy mode): the browser's language decides
  }
}

export function createAppI18n(locale: Locale = pickLocale(readSaved(), globalThis.navigator?.languages ?? [])) {
  return createI18n<[MessageSchema], Locale, false>({
    legacy: false,
    globalInjection: true,
    locale,
    fallbackLocale: 'en',
    messages: { en: messagesEn, es: messagesEs },
  });
}

export type AppI18n = ReturnType<typeof createAppI18n>;

/** Switches the language of the whole app, remembers it and tells assistive technology (<html lang>). */
export function applyLocale(current: { value: string }, locale: Locale): void {
  current.value = locale;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
  try {
    globalThis.localStorage?.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // Not persisted: the choice lasts for this visit.
  }
}
