import { z } from 'zod';
import { envDurationMs, envInt, parseConfig } from '@versaai/kernel';

const schema = z.object({
  CHAT_STREAM_HEARTBEAT_MS: envDurationMs(30_000),
  CHAT_STREAM_MAX_BUFFERED_BYTES: envInt({ min: 16 * 1024, default: 1024 * 1024 }),
});

export interface RealtimeConfig {
  /** Server → client ping (WebSocket) or comment line (SSE); a WebSocket that missed a pong by the next one is terminated. */
  heartbeatMs: number;
  /** Bytes a connection may have queued for a client that does not read; over it the connection is dropped. */
  maxBufferedBytes: number;
}

export function parseRealtimeConfig(env: NodeJS.ProcessEnv): RealtimeConfig {
  const raw = parseConfig(schema, env);
  return { heartbeatMs: raw.CHAT_STREAM_HEARTBEAT_MS, maxBufferedBytes: raw.CHAT_STREAM_MAX_BUFFERED_BYTES };
}
