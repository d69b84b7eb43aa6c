import { ProblemError } from '@versaai/kernel';

export interface FieldError { path: string; message: string }

/** The same problem the kernel renders for schema errors, for the checks a schema cannot express. */
export function validationFailed(errors: FieldError[]): ProblemError {
  return new ProblemError({ status: 400, code: 'VALIDATION_FAILED', detail: 'The request is invalid.', extensions: { errors } });
}

// Control characters (C0, DEL, C1) and the bidi overrides that make a name display as another.
const UNPRINTABLE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

/** A display name as stored: trimmed, not blank, printable. */
export function checkDisplayName(value: string): string | FieldError {
  const trimmed = value.trim();
  if (trimmed.length === 0) return { path: 'body.displayName', message: 'must not be blank' };
  if (UNPRINTABLE.test(trimmed)) return { path: 'body.displayName', message: 'must not contain control characters' };
  return trimmed;
}

export const AVATAR_URL_MAX_LENGTH = 2048;

/** An avatar is fetched by browsers: https only, a real host, no credentials in the URL. */
export function checkAvatarUrl(value: string): string | FieldError {
  const error = { path: 'body.avatarUrl', message: 'must be an https URL' };
  if (!URL.canParse(value)) return error;
  const url = new URL(value);
  if (url.protocol !== 'https:' || url.hostname === '') return error;
  if (url.username !== '' || url.password !== '') return { path: 'body.avatarUrl', message: 'must not contain credentials' };
  // Stored normalised (percent-encoded), which may lengthen it past the limit the schema checked.
  if (url.href.length > AVATAR_URL_MAX_LENGTH) return { path: 'body.avatarUrl', message: `must be at most ${AVATAR_URL_MAX_LENGTH} characters` };
  return url.href;
}

// IANA names are letters, digits and _+-/ (Etc/GMT+5, America/Port-au-Prince); this also keeps
// offsets such as "+01:00", which newer ICU versions accept, out.
const TIME_ZONE_NAME = /^[A-Za-z][\w+-]*(\/[\w+-]+)*$/;

/** The canonical IANA name of a time zone this runtime knows (europe/madrid → Europe/Madrid), or an error. */
export function checkTimeZone(value: string): string | FieldError {
  const error = { path: 'body.timeZone', message: 'must be an IANA time zone such as Europe/Madrid' };
  if (!TIME_ZONE_NAME.test(value)) return error;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return error;
  }
}

export function checkModelId(value: string): string | FieldError {
  const trimmed = value.trim();
  if (trimmed.length === 0) return { path: 'body.preferences.defaultModel', message: 'must not be blank' };
  if (UNPRINTABLE.test(trimmed)) return { path: 'body.preferences.defaultModel', message: 'must not contain control characters' };
  return trimmed;
}
