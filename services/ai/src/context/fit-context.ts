import type { ChatMessage } from '../generation/types.ts';
import { estimateMessageTokens, type TokenizerFamily } from './token-estimator.ts';

export interface FittedContext {
  messages: ChatMessage[];
  /** Estimated prompt tokens of `messages`. */
  promptTokens: number;
  /** How many of the oldest turns were left out. */
  dropped: number;
}

const REPLY_PRIMING = 3;

/**
 * The conversation cut to `budget` estimated tokens by leaving out the oldest turns. System
 * messages and the newest message always stay; undefined when even those do not fit.
 */
export function fitContext(messages: readonly ChatMessage[], budget: number, family: TokenizerFamily): FittedContext | undefined {
  if (messages.length === 0) return { messages: [], promptTokens: REPLY_PRIMING, dropped: 0 };
  const lastIndex = messages.length - 1;
  const cost = messages.map((message) => estimateMessageTokens(message, family));
  let used = REPLY_PRIMING + cost[lastIndex]!;
  messages.forEach((message, index) => {
    if (message.role === 'system' && index !== lastIndex) used += cost[index]!;
  });
  if (used > budget) return undefined;
  // Newest first: keep turns while they fit, stop at the first that does not (no gaps).
  const keep = new Set<number>([lastIndex]);
  for (let index = lastIndex - 1; index >= 0; index -= 1) {
    if (messages[index]!.role === 'system') continue;
    if (used + cost[index]! > budget) break;
    used += cost[index]!;
    keep.add(index);
  }
  const kept = messages.filter((message, index) => message.role === 'system' || keep.has(index));
  return { messages: kept, promptTokens: used, dropped: messages.length - kept.length };
}
