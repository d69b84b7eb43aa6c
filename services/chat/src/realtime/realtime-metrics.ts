import { Counter, Gauge, type Registry } from 'prom-client';

export type StreamTransport = 'websocket' | 'sse';
/** Why the server ended a connection (clients closing on their own are not counted). */
export type DropReason = 'slow_consumer' | 'heartbeat' | 'token_expired' | 'revoked';

export interface RealtimeMetrics {
  opened(transport: StreamTransport): void;
  closed(transport: StreamTransport): void;
  dropped(transport: StreamTransport, reason: DropReason): void;
}

/** Open connections by transport, connected users, and server-side drops by reason: all low-cardinality. */
export function createRealtimeMetrics(registry: Registry, connectedUsers: () => number): RealtimeMetrics {
  const registers = [registry];
  const connections = new Gauge({
    name: 'versaai_chat_stream_connections', help: 'Open real-time connections, by transport', labelNames: ['transport'] as const, registers,
  });
  new Gauge({
    name: 'versaai_chat_stream_users', help: 'Users with at least one real-time connection to this process (one subscription each)', registers,
    collect() {
      this.set(connectedUsers());
    },
  });
  const drops = new Counter({
    name: 'versaai_chat_stream_drops_total', help: 'Real-time connections ended by the server, by transport and reason',
    labelNames: ['transport', 'reason'] as const, registers,
  });
  return {
    opened: (transport) => connections.inc({ transport }),
    closed: (transport) => connections.dec({ transport }),
    dropped: (transport, reason) => drops.inc({ transport, reason }),
  };
}
