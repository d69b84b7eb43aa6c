import { validationFailed } from './problems.ts';

// Control characters other than tab and line breaks, and the bidi overrides that make text display as other text.
const UNPRINTABLE_IN_TITLE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

/** A title as stored: trimmed, one line, not blank. */
export function checkTitle(value: string, path = 'body.title'): string {
  const trimmed = value.trim();
  if (trimmed.length === 0) throw validationFailed([{ path, message: 'must not be blank' }]);
  if (UNPRINTABLE_IN_TITLE.test(trimmed)) throw validationFailed([{ path, message: 'must not contain control characters' }]);
  return trimmed;
}

/** Message text is kept as written (leading spaces and code indentation matter) but may not be blank. */
export function checkContent(value: string, path = 'body.content'): string {
  if (value.trim().length === 0) throw validationFailed([{ path, message: 'must not be blank' }]);
  // PostgreSQL text cannot hold NUL; no real message contains one.
  if (value.includes('\u0000')) throw validationFailed([{ path, message: 'must not contain NUL characters' }]);
  return value;
}

/** Text from elsewhere (a model's answer) stored as it came, except NUL, which PostgreSQL text cannot hold. */
export function storableText(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

/** A title proposed by a model: one line of at most `max` characters, or nothing usable. */
export function cleanGeneratedTitle(value: string, max: number): string | undefined {
  const line = value.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]+/gu, ' ').replace(/\s+/g, ' ').trim().replace(/^["'“”]+|["'“”]+$/g, '').trim();
  if (line.length === 0) return undefined;
  return [...line].slice(0, max).join('');
}
