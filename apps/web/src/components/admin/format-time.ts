/** A timestamp in the page's language; the raw value when it is not a date. */
export function formatTime(iso: string, locale: string, withDate = true): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return withDate ? date.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' }) : date.toLocaleTimeString(locale);
}
