import type { Redis } from 'ioredis';
import type { ReadOptions, StreamEntry } from '../transport.ts';
import type { RedisKeys } from './keys.ts';
import { asEntries, fieldsToRecord } from './replies.ts';

export const PAYLOAD_FIELD = 'payload';

/**
 * XREADGROUP over all streams in one call. A blocking command holds its connection for the
 * whole wait, so each consumer name gets its own connection instead of the shared one.
 */
export function createBlockingReader(commands: Redis, keys: RedisKeys, onError: (error: Error) => void) {
  const connections = new Map<string, Redis>();
  let closed = false;

  function connectionFor(consumer: string): Redis {
    let connection = connections.get(consumer);
    if (!connection) {
      connection = commands.duplicate();
      connection.on('error', onError);
      connections.set(consumer, connection);
    }
    return connection;
  }

  async function read(group: string, consumer: string, streams: string[], opts: ReadOptions): Promise<StreamEntry[]> {
    if (closed || streams.length === 0) return [];
    const streamKeys = streams.map((name) => keys.stream(name));
    const block = opts.blockMs > 0 ? ['BLOCK', Math.ceil(opts.blockMs)] : [];
    let reply: unknown;
    try {
      reply = await connectionFor(consumer).call(
        'XREADGROUP', 'GROUP', group, consumer, 'COUNT', opts.count, ...block,
        'STREAMS', ...streamKeys, ...streamKeys.map(() => '>'),
      );
    } catch (error) {
      // close() disconnects this connection under a pending read: that is the expected way out.
      if (closed) return [];
      throw error;
    }
    if (!Array.isArray(reply)) return [];
    const entries: StreamEntry[] = [];
    for (const [key, rawEntries] of reply as Array<[string, unknown]>) {
      const stream = keys.streamName(key);
      for (const [id, fields] of asEntries(rawEntries)) {
        entries.push({ stream, id, payload: fieldsToRecord(fields)?.[PAYLOAD_FIELD] ?? '', deliveries: 1 });
      }
    }
    return entries;
  }

  function close(): void {
    closed = true;
    for (const connection of connections.values()) connection.disconnect();
    connections.clear();
  }

  return { read, close };
}
