// Secret redaction shared by the logger, redactConfig and configuration error messages.
// Keys are judged by their words (camelCase, snake_case, kebab-case and SCREAMING_CASE all split
// the same way) so `maxTokens` stays visible while `accessToken` and `GROQ_API_KEY` do not.

export const REDACTED = '[REDACTED]';

const SECRET_WORDS = new Set([
  'password', 'passwd', 'pass', 'pwd', 'passphrase', 'secret', 'secrets', 'token',
  'authorization', 'cookie', 'cookies', 'credential', 'credentials', 'apikey',
]);
// `key` alone is too common (ordering keys, cache keys); it is secret only after one of these words.
const SECRET_KEY_QUALIFIERS = new Set(['api', 'private', 'secret', 'encryption', 'signing', 'master', 'session']);
const SECRET_WHOLE_KEYS = new Set(['privatekey', 'setcookie', 'xapikey', 'dsn']);

const verdictCache = new Map<string, boolean>();
const VERDICT_CACHE_LIMIT = 10_000;

function splitWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

function judgeKey(key: string): boolean {
  const words = splitWords(key);
  if (SECRET_WHOLE_KEYS.has(words.join(''))) return true;
  return words.some((word, index) => {
    if (SECRET_WORDS.has(word)) return true;
    const previous = index > 0 ? words[index - 1] : undefined;
    return word === 'key' && previous !== undefined && SECRET_KEY_QUALIFIERS.has(previous);
  });
}

/** True when a property or variable with this name holds a secret. */
export function isSecretKey(key: string): boolean {
  const cached = verdictCache.get(key);
  if (cached !== undefined) return cached;
  const verdict = judgeKey(key);
  if (verdictCache.size < VERDICT_CACHE_LIMIT) verdictCache.set(key, verdict);
  return verdict;
}

// scheme://user:password@host  and  scheme://:password@host
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"'<>]*):([^\s/?#@"'<>]+)@/gi;
// scheme://token@host (a lone userinfo is a credential for redis, http basic tokens, …)
const URL_LONE_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/?#@"'<>]+)@/gi;
const QUERY_SECRET = /([?&](?:[a-z0-9_.-]*?)(?:password|passwd|secret|token|api[_-]?key|apikey|signature|sig|auth)=)([^&#\s"'<>]+)/gi;

/** Masks credentials inside URLs and secret query parameters found anywhere in a string. */
export function redactString(text: string): string {
  if (!text.includes('://') && !text.includes('=')) return text;
  return text
    .replace(URL_PASSWORD, '$1:***@')
    .replace(URL_LONE_USERINFO, (match: string, scheme: string, userinfo: string) =>
      userinfo === '***' || userinfo.endsWith(':***') ? match : `${scheme}***@`)
    .replace(QUERY_SECRET, '$1***');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function redactValue(value: unknown, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value instanceof URL) return redactString(value.href);
  if (Array.isArray(value)) {
    if (seen.has(value)) return seen.get(value);
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(redactValue(item, seen));
    return copy;
  }
  if (value instanceof Error) {
    return redactValue({ ...value, type: value.name, message: value.message, stack: value.stack }, seen);
  }
  if (isPlainObject(value)) {
    if (seen.has(value)) return seen.get(value);
    const copy: Record<string, unknown> = {};
    seen.set(value, copy);
    for (const [key, inner] of Object.entries(value)) {
      copy[key] = isSecretKey(key) && inner !== undefined && inner !== null && inner !== ''
        ? REDACTED
        : redactValue(inner, seen);
    }
    return copy;
  }
  return value;
}

/** Deep copy with secret-named values replaced by '[REDACTED]' and URL credentials masked. */
export function redactConfig<T>(config: T): T {
  return redactValue(config, new WeakMap()) as T;
}

// Cheap pre-check for a serialized JSON line: only lines that may hold a secret are re-parsed.
const SUSPICIOUS_KEY = /"[^"]*(?:pass|pwd|secret|token|auth|cookie|credential|api[_-]?key|apikey|private|key|dsn)[^"]*"\s*:/i;

/** Redacts one newline-terminated JSON log line; leaves non-JSON text to string redaction. */
export function redactJsonLine(line: string): string {
  const mayHoldSecretKey = SUSPICIOUS_KEY.test(line);
  if (!mayHoldSecretKey) return redactString(line);
  try {
    const parsed = JSON.parse(line) as unknown;
    const ending = line.endsWith('\n') ? '\n' : '';
    return JSON.stringify(redactConfig(parsed)) + ending;
  } catch {
    return redactString(line);
  }
}
