import { z } from 'zod';

// Helpers that turn environment strings into typed values with messages worded for operators.
// Each one reads "is required" when unset and has no default; `.optional()` makes it optional.

interface EnvOptions<T> {
  default?: T;
}

function envValue<T>(expectation: string, convert: (raw: string) => T | undefined, opts: EnvOptions<T> = {}) {
  return z.string().optional().transform((raw, ctx): T => {
    const trimmed = raw?.trim();
    if (trimmed === undefined || trimmed === '') {
      if (opts.default !== undefined) return opts.default;
      ctx.addIssue({ code: 'custom', message: 'is required' });
      return z.NEVER;
    }
    const value = convert(trimmed);
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be ${expectation}` });
      return z.NEVER;
    }
    return value;
  });
}

function toInteger(raw: string): number | undefined {
  if (!/^[+-]?\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : undefined;
}

export function envInt(opts: EnvOptions<number> & { min?: number; max?: number } = {}) {
  const { min, max } = opts;
  const expectation = min !== undefined && max !== undefined ? `an integer between ${min} and ${max}`
    : min !== undefined ? `an integer of at least ${min}`
      : max !== undefined ? `an integer of at most ${max}` : 'an integer';
  return envValue(expectation, (raw) => {
    const value = toInteger(raw);
    if (value === undefined) return undefined;
    if (min !== undefined && value < min) return undefined;
    if (max !== undefined && value > max) return undefined;
    return value;
  }, opts);
}

export function envPort(defaultPort?: number) {
  return envInt({ min: 1, max: 65_535, default: defaultPort });
}

export function envPositiveInt(defaultValue?: number) {
  return envInt({ min: 1, default: defaultValue });
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Milliseconds from `1500`, `1500ms`, `30s`, `5m` or `1h`. */
export function envDurationMs(defaultMs?: number) {
  return envValue('a duration such as 500, 500ms, 30s, 5m or 1h', (raw) => {
    const match = /^(\d+)(ms|s|m|h)?$/.exec(raw);
    if (!match) return undefined;
    const value = Number(match[1]) * (DURATION_UNITS_MS[match[2] ?? 'ms'] ?? 1);
    return Number.isSafeInteger(value) ? value : undefined;
  }, { default: defaultMs });
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

export function envBool(defaultValue?: boolean) {
  return envValue('true or false (also 1/0, yes/no, on/off)', (raw) => {
    const word = raw.toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    return undefined;
  }, { default: defaultValue });
}

/** A URL string; `protocols` like ['postgres:', 'postgresql:'] restricts the scheme. */
export function envUrl(opts: EnvOptions<string> & { protocols?: string[] } = {}) {
  const protocols = opts.protocols;
  const expectation = protocols ? `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` : 'an absolute URL';
  return envValue(expectation, (raw) => {
    if (!URL.canParse(raw)) return undefined;
    const url = new URL(raw);
    if (protocols && !protocols.includes(url.protocol)) return undefined;
    return raw;
  }, opts);
}

export function envEnum<const T extends readonly [string, ...string[]]>(values: T, defaultValue?: T[number]) {
  return envValue(`one of ${values.join(', ')}`, (raw) =>
    (values as readonly string[]).includes(raw) ? (raw as T[number]) : undefined, { default: defaultValue });
}

export function envString(opts: EnvOptions<string> & { minLength?: number } = {}) {
  const minLength = opts.minLength ?? 1;
  return envValue(`at least ${minLength} characters long`, (raw) => (raw.length >= minLength ? raw : undefined), opts);
}

/** An optional secret: undefined when unset, never defaulted in code, checked for length when set. */
export function envSecret(opts: { minLength?: number } = {}) {
  return envString({ minLength: opts.minLength }).optional();
}
