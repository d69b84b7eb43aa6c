import type { z } from 'zod';
import { isSecretKey, redactString } from './redact.ts';

export interface ConfigIssue {
  variable: string | null;
  problem: string;
}

/** A bad or missing setting. The message is one line naming each variable and what is wrong. */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    super(`Invalid configuration: ${issues.map(describeIssue).join('; ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

function describeIssue(issue: ConfigIssue): string {
  return issue.variable === null ? issue.problem : `${issue.variable} ${issue.problem}`;
}

const MAX_SHOWN_VALUE = 60;

function showValue(variable: string, value: string): string {
  if (isSecretKey(variable)) return '[REDACTED]';
  const masked = redactString(value);
  const shortened = masked.length > MAX_SHOWN_VALUE ? `${masked.slice(0, MAX_SHOWN_VALUE)}…` : masked;
  // JSON quoting keeps control characters and newlines from breaking the one-line message.
  return JSON.stringify(shortened);
}

function phrase(issue: z.core.$ZodIssue, received: unknown): string {
  if (received === undefined && issue.code === 'invalid_type') return 'is required';
  const message = issue.message.replace(/\s+/g, ' ').trim();
  if (/^(must|is|should|cannot) /.test(message)) return message;
  return `is invalid: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
}

function toIssue(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): ConfigIssue {
  const head = issue.path[0];
  if (typeof head !== 'string') return { variable: null, problem: phrase(issue, null) };
  const received = env[head];
  const problem = phrase(issue, received);
  const shown = received === undefined ? '' : ` (got ${showValue(head, received)})`;
  return { variable: head, problem: `${problem}${shown}` };
}

/** Environment with empty values dropped: `FOO=` means "not set", as in most deploy tools. */
function withoutEmptyValues(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const cleaned: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  return cleaned;
}

/** Parses the environment once at boot; throws ConfigError naming every bad variable. */
export function parseConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const cleaned = withoutEmptyValues(env);
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data as z.infer<S>;
  throw new ConfigError(result.error.issues.map((issue) => toIssue(issue, cleaned)));
}
