import { createParser } from 'eventsource-parser';
import { nowMs } from './stats.ts';

interface Chunk { choices?: Array<{ delta?: { content?: string } }> }

export interface ReadDeltas {
  text: string;
  /** Chunks that carried content. */
  chunks: number;
  /** nowMs() when the first content arrived. */
  firstContentAt: number;
}

/**
 * Reads an OpenAI-format completion stream (SSE, `data: {json}` … `data: [DONE]`) to its end,
 * timing the first chunk that carries content: the moment a client can first show a token.
 */
export async function readCompletionDeltas(body: AsyncIterable<Uint8Array>, source: string): Promise<ReadDeltas> {
  const decoder = new TextDecoder();
  let text = '';
  let chunks = 0;
  let firstContentAt: number | undefined;
  let arrivedAt = 0;
  const parser = createParser({
    onEvent(event) {
      if (event.data === '[DONE]') return;
      const content = (JSON.parse(event.data) as Chunk).choices?.[0]?.delta?.content;
      if (!content) return;
      chunks++;
      text += content;
      firstContentAt ??= arrivedAt;
    },
  });
  for await (const bytes of body) {
    arrivedAt = nowMs();
    parser.feed(decoder.decode(bytes, { stream: true }));
  }
  if (firstContentAt === undefined) throw new Error(`${source}: the stream carried no content`);
  return { text, chunks, firstContentAt };
}
