import type { ChatMessage } from '../generation/types.ts';

/**
 * Token counts without a tokenizer: exact counts would need each vendor's vocabulary (and
 * Llama's are not published as JS packages), while a window only needs a safe upper estimate.
 * ASCII text is counted at the family's characters per token; every other UTF-16 unit
 * (accents, CJK, emoji halves) counts as a whole token; the sum gets a 10 % margin.
 */
export type TokenizerFamily = 'openai' | 'llama' | 'generic';

// Measured averages for English prose: o200k/cl100k ≈ 4 chars/token, Llama 3's 128k vocabulary
// a little less; unknown vocabularies (Mistral, Gemma, Qwen…) are assumed denser.
const CHARS_PER_TOKEN: Record<TokenizerFamily, number> = { openai: 4, llama: 3.8, generic: 3.2 };
const SAFETY_FACTOR = 1.1;
/** OpenAI's documented chat overhead: ~4 tokens framing each message, 3 priming the reply. */
const PER_MESSAGE = 4;
const REPLY_PRIMING = 3;

export function tokenizerFamily(upstreamModel: string): TokenizerFamily {
  const name = upstreamModel.toLowerCase();
  if (/(^|[/:])(gpt|o\d|chatgpt|text-embedding)/.test(name)) return 'openai';
  if (name.includes('llama')) return 'llama';
  return 'generic';
}

export function estimateTextTokens(text: string, family: TokenizerFamily): number {
  let ascii = 0;
  let other = 0;
  for (let index = 0; index < text.length; index += 1) {
    if (text.charCodeAt(index) < 128) ascii += 1;
    else other += 1;
  }
  // The epsilon keeps float dust (100 × 1.1 = 110.00000000000001) from adding a token.
  return Math.ceil((ascii / CHARS_PER_TOKEN[family] + other) * SAFETY_FACTOR - 1e-9);
}

export function estimateMessageTokens(message: ChatMessage, family: TokenizerFamily): number {
  return PER_MESSAGE + estimateTextTokens(message.role, family) + estimateTextTokens(message.content, family);
}

export function estimatePromptTokens(messages: readonly ChatMessage[], family: TokenizerFamily): number {
  let total = REPLY_PRIMING;
  for (const message of messages) total += estimateMessageTokens(message, family);
  return total;
}
