import { THEMES, type Theme } from '@versaai/contracts';

export { THEMES, type Theme };

/** Where this device remembers the theme, so the next load starts with it before the API answers. */
export const THEME_STORAGE_KEY = 'versaai.theme';

export function isTheme(value: unknown): value is Theme {
  return typeof value === 'string' && (THEMES as readonly string[]).includes(value);
}

/** The theme this device last used; `system` when none was saved or storage is blocked. */
export function savedTheme(): Theme {
  try {
    const saved = globalThis.localStorage?.getItem(THEME_STORAGE_KEY);
    return isTheme(saved) ? saved : 'system';
  } catch {
    return 'system';
  }
}

/**
 * Shows the app in `theme` at once: styles.css reads `<html data-theme>` (`system` follows the
 * operating system's prefers-color-scheme) — and remembers it on this device.
 */
export function applyTheme(theme: Theme): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.theme = theme;
  try {
    globalThis.localStorage?.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Not persisted: the choice lasts for this visit.
  }
}

/** At start, before the first render: the theme saved on this device. */
export function applySavedTheme(): Theme {
  const theme = savedTheme();
  if (typeof document !== 'undefined') document.documentElement.dataset.theme = theme;
  return theme;
}
