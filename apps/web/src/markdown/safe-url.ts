/** The only link targets a rendered message may carry: the web, e-mail and in-page anchors. */
const ALLOWED_URL = /^(?:(?:https?|mailto):|#)/i;

// Browsers ignore these inside a scheme ("java\tscript:"), so they must not hide one from the check.
// eslint-disable-next-line no-control-regex
const IGNORED_IN_SCHEME = /[\u0000-\u0020\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\ufeff]/g;

export function isSafeUrl(url: string): boolean {
  return ALLOWED_URL.test(url.replace(IGNORED_IN_SCHEME, ''));
}
