import type { FastifyReply, FastifyRequest } from 'fastify';

export const REFRESH_COOKIE = 'versaai_refresh';
/** Sent only to auth's own routes (refresh, logout), never to other services. */
export const REFRESH_COOKIE_PATH = '/api/auth';

export interface RefreshCookieOptions {
  secure: boolean;
  maxAgeMs: number;
}

/** httpOnly (no script reads it), SameSite=Strict (no cross-site request carries it). */
export function setRefreshCookie(reply: FastifyReply, token: string, opts: RefreshCookieOptions): void {
  reply.setCookie(REFRESH_COOKIE, token, {
    httpOnly: true, sameSite: 'strict', secure: opts.secure, path: REFRESH_COOKIE_PATH, maxAge: Math.floor(opts.maxAgeMs / 1000),
  });
}

export function clearRefreshCookie(reply: FastifyReply, opts: { secure: boolean }): void {
  reply.clearCookie(REFRESH_COOKIE, { httpOnly: true, sameSite: 'strict', secure: opts.secure, path: REFRESH_COOKIE_PATH });
}

export function refreshCookieOf(request: FastifyRequest): string | undefined {
  return request.cookies?.[REFRESH_COOKIE];
}
