import { v7 as uuidv7 } from 'uuid';
import type { FastifyReply } from 'fastify';
import type { ServiceContext } from '@versaai/runtime';
import type { AuthCoreRuntime } from '../core.ts';
import type { CredentialRecord } from '../credentials-repository.ts';
import { newRefreshToken } from '../tokens/refresh-token.ts';
import { setRefreshCookie } from '../tokens/refresh-cookie.ts';
import { sessionsRepository } from './sessions-repository.ts';
import { deviceLabel } from './device-label.ts';

/** Where the refresh token goes: the web app keeps it in a cookie, API clients in their own storage. */
export type ClientKind = 'web' | 'api';

export interface TokenPair {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: { id: string; email: string; role: string };
  refreshToken?: string;
}

/** A new session (one login) with its first refresh token. */
export async function startSession(ctx: ServiceContext, core: AuthCoreRuntime, user: CredentialRecord,
  client: { userAgent: string | undefined; ip: string }): Promise<{ sessionId: string; refreshToken: string }> {
  const now = new Date(core.now());
  const expiresAt = new Date(now.getTime() + core.config.refreshTokenTtlMs).toISOString();
  const sessionId = uuidv7();
  const refresh = newRefreshToken();
  await ctx.transaction(async (trx) => {
    await sessionsRepository.create(trx, {
      id: sessionId, userId: user.id, userAgent: client.userAgent?.slice(0, 512) ?? null, device: deviceLabel(client.userAgent),
      ip: client.ip, now: now.toISOString(), expiresAt,
    });
    await sessionsRepository.addRefreshToken(trx, { id: uuidv7(), sessionId, hash: refresh.hash, now: now.toISOString(), expiresAt });
  });
  return { sessionId, refreshToken: refresh.token };
}

/** The login/refresh answer: an access token, and the refresh token in a cookie (web) or the body (api). */
export async function sendTokens(reply: FastifyReply, core: AuthCoreRuntime, opts: {
  user: CredentialRecord; sessionId: string; refreshToken: string; client: ClientKind;
}): Promise<TokenPair> {
  const { token, expiresIn } = await core.signer.sign({ sub: opts.user.id, role: opts.user.role, sid: opts.sessionId, kind: 'session' });
  const body: TokenPair = {
    accessToken: token, tokenType: 'Bearer', expiresIn, user: { id: opts.user.id, email: opts.user.email, role: opts.user.role },
  };
  if (opts.client === 'api') body.refreshToken = opts.refreshToken;
  else setRefreshCookie(reply, opts.refreshToken, { secure: core.config.cookieSecure, maxAgeMs: core.config.refreshTokenTtlMs });
  // Tokens must not sit in any cache.
  reply.header('cache-control', 'no-store');
  return body;
}

export const tokenPairSchema = {
  type: 'object',
  required: ['accessToken', 'tokenType', 'expiresIn', 'user'],
  properties: {
    accessToken: { type: 'string' },
    tokenType: { type: 'string' },
    expiresIn: { type: 'integer' },
    refreshToken: { type: 'string' },
    user: {
      type: 'object', required: ['id', 'email', 'role'],
      properties: { id: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' } },
    },
  },
} as const;

/** `client: 'api'` in the body or `X-VersaAI-Client: api`: the refresh token travels in the body. */
export function clientKind(bodyClient: unknown, header: string | string[] | undefined): ClientKind {
  return bodyClient === 'api' || header === 'api' ? 'api' : 'web';
}
