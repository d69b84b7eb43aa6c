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
  const connections = new Map<string, { redis: Redis; clientId: Promise<number> }>();
  let closed = false;

  function connectionFor(consumer: string) {
    let connection = connections.get(consumer);
    if (!connection) {
      const redis = commands.duplicate();
      redis.on('error', onError);
      // Needed to end its wait early (CLIENT UNBLOCK); a failure only means waiting out BLOCK.
      const clientId = redis.client('ID').then(Number, () => -1);
      connection = { redis, clientId };
      connections.set(consumer, connection);
    }
    return connection;
  }

  /** An abort unblocks the waiting XREADGROUP from the command connection; it then returns nothing. */
  function unblockOnAbort(signal: AbortSignal | undefined, clientId: number): () => void {
    if (!signal || clientId < 0) return () => {};
    const unblock = () => {
      commands.call('CLIENT', 'UNBLOCK', clientId).catch(() => {});
    };
    signal.addEventListener('abort', unblock, { once: true });
    return () => signal.removeEventListener('abort', unblock);
  }

  async function read(group: string, consumer: string, streams: string[], opts: ReadOptions): Promise<StreamEntry[]> {
    if (closed || streams.length === 0) return [];
    const streamKeys = streams.map((name) => keys.stream(name));
    const connection = connectionFor(consumer);
    const clientId = await connection.clientId;
    const block = opts.blockMs > 0 && !opts.signal?.aborted ? ['BLOCK', Math.ceil(opts.blockMs)] : [];
    const stopListening = unblockOnAbort(opts.signal, clientId);
    let reply: unknown;
    try {
      reply = await connection.redis.call(
        'XREADGROUP', 'GROUP', group, consumer, 'COUNT', opts.count, ...block,
        'STREAMS', ...streamKeys, ...streamKeys.map(() => '>'),
      );
    } catch (error) {
      // close() disconnects this connection under a pending read: that is the expected way out.
      if (closed) return [];
      throw error;
    } finally {
      stopListening();
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
    for (const connection of connections.values()) connection.redis.disconnect();
    connections.clear();
  }

  return { read, close };
}
