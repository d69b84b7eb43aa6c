/**
 * The event-bus port. Two adapters implement it with the same semantics: Redis Streams
 * (distributed topology) and an embedded SQLite store (all-in-one topology). Stream names
 * here are logical; each transport adds its own key prefix.
 */

export interface StreamEntry {
  stream: string;
  id: string;
  payload: string;
  /** Times this entry has been delivered to its group, this delivery included. */
  deliveries: number;
}

export interface DeadLetter {
  /** Opaque id, unique across groups; pass it to replayDeadLetter. */
  id: string;
  group: string;
  stream: string;
  entryId: string;
  payload: string;
  error: string;
  deliveries: number;
  /** ISO 8601 */
  failedAt: string;
}

export interface EntryRef {
  stream: string;
  id: string;
}

export interface ReadOptions {
  /** Maximum entries per stream (as XREADGROUP COUNT). */
  count: number;
  /** How long to wait for new entries when none are ready; 0 or less returns at once. */
  blockMs: number;
  /** Aborting ends a wait at once with [] (a stopping consumer need not wait out blockMs). */
  signal?: AbortSignal;
}

export interface TrimOptions {
  /** Entries younger than this are always kept. */
  retentionMs: number;
  /** A group whose consumers have all been idle this long no longer holds entries back. */
  liveGroupIdleMs: number;
}

export interface BusTransport {
  readonly kind: 'embedded' | 'redis';
  /** Appends in one round trip; returns the new ids in input order. */
  append(items: Array<{ stream: string; payload: string }>): Promise<string[]>;
  /** Creates the group on each stream if missing; a new group starts at the beginning of retained history. */
  ensureGroup(group: string, streams: string[]): Promise<void>;
  /** New entries only, across all streams in one call; resolves [] on timeout or after close(). */
  read(group: string, consumer: string, streams: string[], opts: ReadOptions): Promise<StreamEntry[]>;
  ack(group: string, entries: EntryRef[]): Promise<void>;
  /** Takes over entries pending longer than minIdleMs (at most `count` in total); deliveries counts this claim. */
  claimIdle(group: string, consumer: string, streams: string[], minIdleMs: number, count: number): Promise<StreamEntry[]>;
  /** Re-delivers pending entries to `consumer`, deliveries + 1; entries no longer pending are left out. */
  retry(group: string, consumer: string, entries: EntryRef[]): Promise<StreamEntry[]>;
  /** Atomically records the dead letter and acks the entry. */
  deadLetter(group: string, entry: StreamEntry, error: string): Promise<void>;
  /** Oldest first; default limit 100. */
  listDeadLetters(group?: string, limit?: number): Promise<DeadLetter[]>;
  /** Appends the payload to `replay:<group>` and deletes the dead letter; null when the id is unknown. */
  replayDeadLetter(id: string): Promise<DeadLetter | null>;
  /** Removes only entries every live group has consumed and acked, and older than retention; returns how many. */
  trim(streams: string[], opts: TrimOptions): Promise<number>;
  /**
   * Forgets consumers of the group idle at least `idleMs` that hold no pending entry: every
   * restart is a new consumer name, and without this the group's consumer list only grows.
   * Returns how many were removed.
   */
  pruneConsumers(group: string, streams: string[], idleMs: number): Promise<number>;
  /** Entries not yet delivered to the group + entries delivered but not acked. */
  lag(group: string, streams: string[]): Promise<number>;
  ping(): Promise<void>;
  /** Releases pending reads (they resolve []) and the connections / file. */
  close(): Promise<void>;
}

/** Minimal logger surface the transports need; a pino Logger satisfies it. */
export interface TransportLogger {
  warn(obj: object, msg?: string): void;
}

// ':' is reserved for internal streams such as replay:<group>, so event types cannot collide with them.
const EVENT_TYPE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Stream name of an event type: one stream per type. */
export function streamFor(eventType: string): string {
  if (!EVENT_TYPE.test(eventType)) throw new Error(`Invalid event type for a stream name: "${eventType}"`);
  return eventType;
}

/** The group's private stream for replayed dead letters; every consumer also reads it. */
export function replayStreamFor(group: string): string {
  if (group.length === 0) throw new Error('A group name is required');
  return `replay:${group}`;
}
