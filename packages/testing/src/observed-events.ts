import { join } from 'node:path';
import { createEmbeddedTransport, decodeEvent, streamFor, type EventEnvelope } from '@versaai/events';
import { waitFor } from './wait-for.ts';

/** What a service published on the embedded bus, read by a test's own consumer group. */
export interface ObservedEvents {
  /** Every event seen since the previous call, waiting up to 10 s for at least `atLeast`. */
  take(atLeast?: number): Promise<EventEnvelope[]>;
  close(): Promise<void>;
}

export async function observeEvents(dataDir: string, types: string[], keep: (event: EventEnvelope) => boolean = () => true): Promise<ObservedEvents> {
  const bus = createEmbeddedTransport({ file: join(dataDir, 'bus.db') });
  const streams = types.map(streamFor);
  await bus.ensureGroup('test-observer', streams);
  let seen: EventEnvelope[] = [];
  const readOwn = async () => {
    const entries = await bus.read('test-observer', 'observer', streams, { count: 100, blockMs: 50 });
    await bus.ack('test-observer', entries);
    seen.push(...entries.map((entry) => decodeEvent(entry.payload)).filter(keep));
  };
  return {
    async take(atLeast = 0) {
      await readOwn();
      if (seen.length < atLeast) {
        await waitFor(async () => {
          await readOwn();
          return seen.length >= atLeast ? true : undefined;
        }, { timeoutMs: 10_000 });
      }
      const events = seen;
      seen = [];
      return events;
    },
    close: () => bus.close(),
  };
}
