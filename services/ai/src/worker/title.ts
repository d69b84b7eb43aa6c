import type { ChatMessage, GenerationResult } from '../generation/types.ts';

export const OFFLINE_MODEL = 'versaai-offline';
const MAX_TITLE_WORDS = 8;
const MAX_TITLE_CHARS = 80;

/** A title from the first user message: its first words, whitespace collapsed, cut at a word boundary. */
export function deriveTitle(firstUserMessage: string): string {
  const words = firstUserMessage.replace(/\s+/g, ' ').trim().split(' ').filter((word) => word.length > 0);
  let title = '';
  for (const word of words.slice(0, MAX_TITLE_WORDS)) {
    const next = title ? `${title} ${word}` : word;
    if (next.length > MAX_TITLE_CHARS) break;
    title = next;
  }
  if (!title) title = (words[0] ?? '').slice(0, MAX_TITLE_CHARS);
  return title || 'New conversation';
}

/** The prompt that asks the model for a title of the first exchange. */
export function titlePrompt(firstUserMessage: string, answer: string): ChatMessage[] {
  return [
    { role: 'system', content: 'You name conversations. Reply with a title of at most six words for the conversation below: no quotes, no punctuation at the end, nothing else.' },
    { role: 'user', content: `User: ${firstUserMessage.slice(0, 2_000)}\n\nAssistant: ${answer.slice(0, 2_000)}` },
  ];
}

/**
 * A title line without its Markdown: models often answer `## Title` or `**Title**`, and the
 * sidebar shows titles as plain text.
 */
function withoutMarkdown(line: string): string {
  return line
    .replace(/^\s*(?:#{1,6}(?:\s+|$)|>\s*|[-*+]\s+|\d+[.)]\s+)/, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(^|\W)(\*\*|__|\*|_|~~|`)(\S(?:.*?\S)?)\2(?=\W|$)/g, '$1$3')
    .replace(/\*+|`+|~~/g, ' ');
}

/** The model's title cleaned up, or the derived one when the model gave nothing usable. */
export function titleFrom(result: GenerationResult, firstUserMessage: string): string {
  const line = result.status === 'completed' ? (result.content.split('\n').find((candidate) => candidate.trim().length > 0) ?? '') : '';
  const cleaned = withoutMarkdown(line).replace(/^\s*(title\s*:\s*)/i, '').replace(/^["'«“]+|["'»”.]+$/g, '').replace(/\s+/g, ' ').trim();
  if (!cleaned) return deriveTitle(firstUserMessage);
  return cleaned.length > MAX_TITLE_CHARS ? deriveTitle(cleaned) : cleaned;
}
