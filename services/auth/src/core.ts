import type { FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { problem } from '@versaai/kernel';
import type { AccessTokenClaims } from '@versaai/identity';
import type { ServiceContext } from '@versaai/runtime';
import { parseAuthConfig, type AuthConfig } from './config.ts';
import { openKeyStore } from './keys/open-key-store.ts';
import type { KeyStore } from './keys/key-store.ts';
import { createAccessTokenSigner, type AccessTokenSigner } from './tokens/access-token.ts';
import { clearRefreshCookie } from './tokens/refresh-cookie.ts';
import { createPasswordHasher, type PasswordHasher } from './passwords.ts';
import { checkPasswordPolicy, preloadPasswordPolicy } from './password-policy.ts';
import { accountKeyId, createLoginThrottle, type LoginThrottle } from './throttle/login-throttle.ts';
import { normaliseEmail } from './email.ts';
import { sessionsRepository } from './sessions/sessions-repository.ts';

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface AuthServiceOptions {
  /** Defaults to the environment the platform was started with (ServiceContext.env). */
  env?: NodeJS.ProcessEnv;
  /** Clock in epoch ms, for tokens, sessions, throttling and key reloads (tests). */
  now?: () => number;
  /** How often the key file's mtime is looked at, ms (default 2 s). */
  keyCheckIntervalMs?: number;
}

/** What auth's core routes share once the service has started: settings, keys, hashing, throttle. */
export interface AuthCoreRuntime {
  /** The environment the settings came from (the account flows parse theirs from it too). */
  env: NodeJS.ProcessEnv;
  config: AuthConfig;
  keys: KeyStore;
  signer: AccessTokenSigner;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  now: () => number;
}

/** Parses auth's settings and opens its keys; a bad setting or key source stops the start (ConfigError). */
export async function startAuthCore(ctx: ServiceContext, options: AuthServiceOptions = {}): Promise<AuthCoreRuntime> {
  const now = options.now ?? Date.now;
  const env = options.env ?? ctx.env;
  const config = parseAuthConfig(env, { distributed: ctx.database.dialect === 'postgres' });
  const keys = await openKeyStore(config.keys, { logger: ctx.logger, now, checkIntervalMs: options.keyCheckIntervalMs });
  preloadPasswordPolicy();
  return {
    env,
    config,
    keys,
    signer: createAccessTokenSigner({ keys, issuer: ctx.tokens.issuer, audience: ctx.tokens.audience, now }),
    hasher: await createPasswordHasher(config.argon2),
    throttle: createLoginThrottle(ctx.db, { now }),
    now,
  };
}

/**
 * The core as the account flows see it (their AuthCore port): built before the service starts
 * (event handlers are created first), usable for token signing once `startAuthCore` has run.
 */
export function createAuthCorePort(runtime: () => AuthCoreRuntime | undefined) {
  const started = (): AuthCoreRuntime => {
    const current = runtime();
    if (!current) throw problem.serviceUnavailable('AUTH_NOT_READY', 'Auth is starting.');
    return current;
  };
  const nowIso = () => new Date((runtime()?.now ?? Date.now)()).toISOString();
  return {
    /** DB only, in `trx`; the caller puts the returned ids on the revocation list after commit. */
    async revokeSessions(trx: Db, userId: string, opts: { exceptSessionId?: string; reason?: string } = {}): Promise<string[]> {
      return sessionsRepository.revokeAllOfUser(trx, userId, { reason: opts.reason ?? 'credentials_changed', now: nowIso(), except: opts.exceptSessionId });
    },
    async eraseUser(trx: Db, user: { userId: string; email: string }): Promise<string[]> {
      const ids = await sessionsRepository.deleteAllOfUser(trx, user.userId);
      await trx.deleteFrom('login_attempts').where('key', '=', accountKeyId(normaliseEmail(user.email))).execute();
      return ids;
    },
    async listSessions(db: Db, userId: string): Promise<Array<Record<string, unknown>>> {
      return sessionsRepository.listAll(db, userId) as unknown as Promise<Array<Record<string, unknown>>>;
    },
    signAccessToken(claims: AccessTokenClaims): Promise<{ token: string; expiresIn: number }> {
      return started().signer.sign(claims);
    },
    hashPassword(password: string): Promise<string> {
      return started().hasher.hash(password);
    },
    checkPasswordPolicy,
    clearRefreshCookie(reply: FastifyReply): void {
      clearRefreshCookie(reply, { secure: started().config.cookieSecure });
    },
  };
}

export type AuthCorePort = ReturnType<typeof createAuthCorePort>;
