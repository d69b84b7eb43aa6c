import { request } from 'undici';
import { streamAgent } from './chat-http.ts';
import { readCompletionDeltas } from './completion-deltas.ts';
import { nowMs } from './stats.ts';

/**
 * The peer of the chat-flow bench: the same streamed completion asked of the fake LLM
 * directly, from this process, as the AI service asks it (OpenAI wire format, stream with
 * usage). Time to first token is measured to the arrival of the first chunk that carries
 * content, the moment the AI service can first forward a delta.
 */
export interface DirectStream {
  /** nowMs() just before the request left. */
  sentAt: number;
  firstTokenAt: number;
  endAt: number;
  text: string;
  chunks: number;
}

export const DIRECT_MODEL = 'bench-fake';

export async function streamDirect(llmUrl: string, messages: Array<{ role: string; content: string }>, apiKey: string): Promise<DirectStream> {
  const sentAt = nowMs();
  const response = await request(`${llmUrl}/chat/completions`, {
    method: 'POST',
    dispatcher: streamAgent,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ model: DIRECT_MODEL, messages, stream: true, stream_options: { include_usage: true } }),
  });
  if (response.statusCode !== 200) throw new Error(`fake LLM answered ${response.statusCode}: ${await response.body.text()}`);
  const { text, chunks, firstContentAt } = await readCompletionDeltas(response.body, 'the fake LLM');
  return { sentAt, firstTokenAt: firstContentAt, endAt: nowMs(), text, chunks };
}
