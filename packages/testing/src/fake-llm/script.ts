import type { FakeLlmScript } from './types.ts';

/** A script with every choice made for one request. */
export interface ResolvedReply {
  tokens: readonly string[];
  tokenDelayMs: number;
  firstTokenDelayMs: number;
}

interface ChatMessage { role?: unknown; content?: unknown }

/** Text of a message's content: a string, or the `text` parts of a content-part array. */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: { type?: unknown; text?: unknown }) => (part && part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

/**
 * Prompt tokens, estimated the way OpenAI's cookbook counts chat overhead with ~4 characters
 * per token: per message 4 + ceil(chars(role + content) / 4), plus 3 priming the reply.
 * Deterministic, so tests can assert it; it is not a real tokenizer.
 */
export function estimatePromptTokens(messages: readonly ChatMessage[]): number {
  let tokens = 3;
  for (const message of messages) {
    const role = typeof message?.role === 'string' ? message.role : '';
    tokens += 4 + Math.ceil((role.length + messageText(message?.content).length) / 4);
  }
  return tokens;
}

/** `"Hello there\n"` → `["Hello", " there", "\n"]`; joining the tokens gives the text back. */
export function splitIntoTokens(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** The default reply: `You said: <last user message>`, so a test can see which prompt it answers. */
export function defaultReplyText(messages: readonly ChatMessage[]): string {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (message?.role === 'user') return `You said: ${messageText(message.content).trim() || '(nothing)'}`;
  }
  return 'Hello from the fake LLM.';
}

/** Repeats (or cuts) the tokens to exactly `count`. */
function toCount(tokens: readonly string[], count: number): readonly string[] {
  if (tokens.length === count) return tokens;
  if (tokens.length === 0) return Array.from({ length: count }, () => ' ');
  const out = new Array<string>(count);
  for (let index = 0; index < count; index += 1) {
    const token = tokens[index % tokens.length]!;
    // A repeated first word needs its separating space back.
    out[index] = index >= tokens.length && index % tokens.length === 0 && !/^\s/.test(token) ? ` ${token}` : token;
  }
  return out;
}

export function resolveReply(script: FakeLlmScript, messages: readonly ChatMessage[]): ResolvedReply {
  const base = script.tokens ?? splitIntoTokens(script.text ?? defaultReplyText(messages));
  return {
    tokens: script.tokenCount === undefined ? base : toCount(base, script.tokenCount),
    tokenDelayMs: script.tokenDelayMs ?? 0,
    firstTokenDelayMs: script.firstTokenDelayMs ?? 0,
  };
}

/** Throws a TypeError naming the bad field, so a mistyped test script fails loudly. */
export function checkScript(script: FakeLlmScript): void {
  for (const field of ['tokenCount', 'tokenDelayMs', 'firstTokenDelayMs'] as const) {
    const value = script[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new TypeError(`fake LLM script: ${field} must be a non-negative integer (got ${value})`);
    }
  }
  if (script.tokens !== undefined && !script.tokens.every((token) => typeof token === 'string')) {
    throw new TypeError('fake LLM script: tokens must be strings');
  }
}
