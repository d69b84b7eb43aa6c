import { createEvent, type EventEnvelope } from '@versaai/events';

/**
 * The bench publishes message.sent events (the busiest type of a chat platform). The publish
 * time travels in `data.content`, fixed-width and followed by filler, because the catalog's
 * schema drops unknown fields: the handler must be able to read it back after decoding.
 */
export const BENCH_EVENT_TYPE = 'message.sent';

const TIMESTAMP_WIDTH = 20; // "1764270000000.123" padded: enough for epoch milliseconds with 3 decimals
const FILLER = 'The quick brown fox jumps over the lazy dog. '.repeat(6).slice(0, 200);
const CONVERSATIONS = 1_000;

export interface BenchEventTemplate {
  event: EventEnvelope<{ conversationId: string; messageId: string; userId: string; content: string }>;
}

/**
 * Builds events ahead of time through the real createEvent (schema check, UUIDv7), as the
 * outbox holds them already serialized: the relay, like this publisher, only stamps and sends.
 * Keys spread over many conversations so per-key ordering does not serialize the consumer.
 */
export function createBenchEvents(count: number, runId: string): BenchEventTemplate[] {
  const templates: BenchEventTemplate[] = [];
  for (let seq = 0; seq < count; seq++) {
    const conversationId = `bench-${runId}-c${seq % CONVERSATIONS}`;
    const event = createEvent(
      BENCH_EVENT_TYPE,
      { conversationId, messageId: `bench-${runId}-m${seq}`, responseId: `bench-${runId}-r${seq}`, userId: `bench-${runId}-u${seq % 97}`, content: stampContent(0), history: [], parameters: {}, generateTitle: false },
      { source: 'bench', key: conversationId },
    );
    templates.push({ event });
  }
  return templates;
}

export function stampContent(publishedAtMs: number): string {
  return publishedAtMs.toFixed(3).padStart(TIMESTAMP_WIDTH, '0') + ' ' + FILLER;
}

export function publishedAtOf(content: string): number {
  return Number(content.slice(0, TIMESTAMP_WIDTH));
}

/** Serializes the event with the publish time in its data: what goes on the stream. */
export function stampedPayload(template: BenchEventTemplate, publishedAtMs: number): string {
  const { event } = template;
  return JSON.stringify({ ...event, data: { ...event.data, content: stampContent(publishedAtMs) } });
}
