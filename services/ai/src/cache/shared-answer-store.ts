import { z } from 'zod';
import type { CachedAnswer } from './response-cache.ts';

/**
 * A store of completed answers shared by the replicas of the AI service, behind each process's
 * LRU. It never throws: an unreachable or slow store answers "miss" and drops writes, because
 * the cache is an optimisation and must never fail a request.
 */
export interface SharedAnswerStore {
  /** The stored answer, or undefined on a miss, a malformed entry (deleted) or a store failure. */
  get(key: string): Promise<CachedAnswer | undefined>;
  /** Stores a completed answer for ttlMs, in the background; answers above the size limit are skipped. */
  put(key: string, answer: CachedAnswer, ttlMs: number): void;
  /** Starts connecting (in the background: reads before it is connected are misses). */
  open(): void;
  close(): Promise<void>;
}

const tokens = z.number().int().min(0);

// What a replica wrote, as read back: anything else in the key is a miss (and is deleted).
const storedAnswerSchema = z.strictObject({
  v: z.literal(1),
  result: z.strictObject({
    status: z.literal('completed'),
    content: z.string(),
    model: z.string().min(1),
    provider: z.string().min(1),
    usage: z.strictObject({ promptTokens: tokens, completionTokens: tokens }),
    costUsd: z.number().min(0).finite(),
    finishReason: z.string(),
    errorCode: z.string().optional(),
    usageSource: z.enum(['reported', 'estimated']).optional(),
  }),
  deltas: z.array(z.string()),
});

export function serializeAnswer(answer: CachedAnswer): string {
  return JSON.stringify({ v: 1, result: answer.result, deltas: answer.deltas });
}

/** The answer an entry holds, or undefined when it is not JSON of the stored shape. */
export function parseStoredAnswer(raw: string): CachedAnswer | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = storedAnswerSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const { result, deltas } = parsed.data;
  return { result: { ...result }, deltas };
}
