import { z } from 'zod';
import { envBool, envDurationMs, envUrl, parseConfig } from '@versaai/kernel';

/**
 * Settings of auth's account flows (e-mail verification, password reset, API keys). Parsed
 * from the process environment when auth's routes are mounted: a bad value stops the start
 * with a message naming the variable.
 */
const accountConfigSchema = z.object({
  /** Where people open the web app; e-mailed links point there. */
  VERSAAI_PUBLIC_URL: envUrl({ protocols: ['http:', 'https:'], default: 'http://localhost:8080' }),
  AUTH_EMAIL_VERIFICATION_TTL: envDurationMs(48 * 60 * 60_000),
  AUTH_PASSWORD_RESET_TTL: envDurationMs(60 * 60_000),
  /** Developer mode only: the e-mail log line carries the link (and so the token). */
  AUTH_LOG_EMAIL_LINKS: envBool(false),
  /** Password-reset requests are answered no sooner than this, so timing does not reveal accounts. */
  AUTH_PASSWORD_RESET_MIN_RESPONSE: envDurationMs(250),
});

export interface AccountConfig {
  publicUrl: string;
  emailVerificationTtlMs: number;
  passwordResetTtlMs: number;
  logEmailLinks: boolean;
  passwordResetMinResponseMs: number;
}

export function parseAccountConfig(env: NodeJS.ProcessEnv = process.env): AccountConfig {
  const raw = parseConfig(accountConfigSchema, env);
  return {
    publicUrl: raw.VERSAAI_PUBLIC_URL.replace(/\/+$/, ''),
    emailVerificationTtlMs: raw.AUTH_EMAIL_VERIFICATION_TTL,
    passwordResetTtlMs: raw.AUTH_PASSWORD_RESET_TTL,
    logEmailLinks: raw.AUTH_LOG_EMAIL_LINKS,
    passwordResetMinResponseMs: raw.AUTH_PASSWORD_RESET_MIN_RESPONSE,
  };
}
