import { createHash } from 'node:crypto';
import type { ChatMessage } from '../generation/types.ts';

export interface CacheableRequest {
  userId: string;
  /** The resolved registry id (not the alias the client sent), so "default" and its id share entries. */
  model: string;
  messages: readonly ChatMessage[];
  temperature?: number;
  maxTokens?: number;
}

/**
 * SHA-256 of the canonical request: a JSON array with a fixed member order and only the
 * fields that change the answer, scoped to the user (tenant) so nobody reads another's answers.
 */
export function cacheKey(request: CacheableRequest): string {
  const canonical = JSON.stringify([
    'v1',
    request.userId,
    request.model,
    request.messages.map((message) => [message.role, message.content]),
    request.temperature ?? null,
    request.maxTokens ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Opt-in per request, and always for temperature 0 (the answer is meant to be deterministic). */
export function isCacheable(opts: { cache?: boolean; temperature?: number }): boolean {
  return opts.cache === true || opts.temperature === 0;
}
