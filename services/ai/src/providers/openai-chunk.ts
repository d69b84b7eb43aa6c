import type { TokenUsage } from '../generation/types.ts';

// The parts of OpenAI's chat-completion (chunk) objects the adapter reads; every field is
// optional because OpenAI-compatible servers differ in what they send.
interface WireUsage { prompt_tokens?: unknown; completion_tokens?: unknown }

export interface WireChunk {
  choices?: Array<{ delta?: { content?: unknown }; message?: { content?: unknown }; finish_reason?: unknown }>;
  usage?: WireUsage | null;
  /** Groq reports streamed usage here, on the finish chunk. */
  x_groq?: { usage?: WireUsage | null };
  /** Some servers report a failure inside an open stream. */
  error?: { message?: unknown };
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Usage from `usage` (OpenAI, final chunk or body) or `x_groq.usage` (Groq's streams). */
export function readUsage(chunk: WireChunk): TokenUsage | undefined {
  const wire = chunk.usage ?? chunk.x_groq?.usage;
  if (!wire) return undefined;
  const promptTokens = count(wire.prompt_tokens);
  const completionTokens = count(wire.completion_tokens);
  if (promptTokens === undefined || completionTokens === undefined) return undefined;
  return { promptTokens, completionTokens };
}

/** Upstream error text, shortened: enough to diagnose, never a whole HTML error page. */
export function upstreamMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as WireChunk;
    if (typeof parsed.error?.message === 'string') return parsed.error.message.slice(0, 300);
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 300);
}
