import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { Identity } from '@versaai/identity';
import type { Logger } from '@versaai/kernel';
import type { ResponseStreamStore } from '@versaai/storage';
import { CLOSE_CODES, errorFrame, parseClientFrame } from './frames.ts';
import type { Heartbeat } from './heartbeat.ts';
import type { RealtimeConfig } from './realtime-config.ts';
import type { RealtimeHub } from './realtime-hub.ts';
import type { RealtimeMetrics } from './realtime-metrics.ts';
import type { Revocable } from './revocation-sweep.ts';
import { msUntilExpiry } from './stream-auth.ts';
import { StreamSession, type StreamPeer } from './stream-session.ts';
import { repeatedTextFrames, textFrameWriter } from './text-frame-writer.ts';

export interface StreamRouteDeps {
  hub: RealtimeHub;
  streams: ResponseStreamStore;
  heartbeat: Heartbeat<Revocable>;
  config: RealtimeConfig;
  logger: Logger;
  metrics: RealtimeMetrics;
  authenticate(request: FastifyRequest): Promise<Identity>;
}

interface ResumeQuery { responseId?: string; afterSeq?: number }

const resumeQuerySchema = {
  type: 'object',
  properties: {
    responseId: { type: 'string', minLength: 1, maxLength: 128 },
    afterSeq: { type: 'integer', minimum: 0 },
  },
} as const;

/**
 * GET /stream/ws: one WebSocket per device. The token is checked before the upgrade (a
 * refused client gets a plain 401/403, never a socket); the socket closes with 4001 when the
 * token expires or its session is revoked (the client renews its token, or signs out), 4008 when
 * the client stops reading and its buffer passes the limit.
 */
export async function websocketRoute(app: FastifyInstance, deps: StreamRouteDeps): Promise<void> {
  const frameOf = repeatedTextFrames();
  const readyFrame = JSON.stringify({ type: 'ready', heartbeatMs: deps.config.heartbeatMs });
  app.get('/stream/ws', {
    websocket: true,
    schema: { querystring: resumeQuerySchema },
    onRequest: async (request) => {
      await deps.authenticate(request);
    },
  }, (socket: WebSocket, request) => {
    const identity = request.identity!;
    let dropped = false;
    deps.metrics.opened('websocket');
    const writer = textFrameWriter(socket);

    const send = (frame: string) => {
      if (dropped || socket.readyState !== socket.OPEN) return;
      // Over the limit already: what is queued is at most the limit plus one frame.
      const bufferedBytes = writer.bufferedAmount();
      if (bufferedBytes > deps.config.maxBufferedBytes) {
        // Stop queuing at once; the close frame waits behind what is buffered, and ws
        // terminates the socket if the client never reads it.
        dropped = true;
        deps.metrics.dropped('websocket', 'slow_consumer');
        deps.logger.warn({ userId: identity.userId, bufferedBytes }, 'realtime client too slow; dropping its socket');
        socket.close(CLOSE_CODES.slowConsumer, 'slow consumer');
        return;
      }
      writer.write(frameOf(frame));
    };
    const peer: StreamPeer = { sendEntries: send, sendMessage: send, restored: () => send(readyFrame) };
    const session = new StreamSession(identity.userId, peer, deps.streams);

    let alive = true;
    socket.on('pong', () => {
      alive = true;
    });
    const stopBeating = deps.heartbeat.add({
      sessionId: identity.sessionId,
      revoked() {
        if (dropped || socket.readyState !== socket.OPEN) return;
        // Nothing more is queued for a session that no longer exists.
        dropped = true;
        deps.metrics.dropped('websocket', 'revoked');
        socket.close(CLOSE_CODES.authExpired, 'session revoked');
      },
      beat() {
        if (!alive) {
          deps.metrics.dropped('websocket', 'heartbeat');
          socket.terminate();
          return;
        }
        alive = false;
        socket.ping();
      },
    });
    const expiry = setTimeout(() => {
      deps.metrics.dropped('websocket', 'token_expired');
      socket.close(CLOSE_CODES.authExpired, 'token expired');
    }, msUntilExpiry(identity));
    expiry.unref();

    // A reconnecting client names the response it was reading in the URL: nothing of it is
    // sent live before the entries it missed (a resume frame would race the first live ones).
    const { responseId, afterSeq } = request.query as ResumeQuery;
    const joined = deps.hub.join(session);
    if (responseId !== undefined) void session.resume(responseId, afterSeq ?? 0, joined);
    let leave: (() => void) | undefined;
    socket.on('close', () => {
      deps.metrics.closed('websocket');
      clearTimeout(expiry);
      stopBeating();
      leave?.();
    });
    joined.then((unjoin) => {
      if (socket.readyState === socket.CLOSED || socket.readyState === socket.CLOSING) {
        unjoin();
        return;
      }
      leave = unjoin;
      send(readyFrame);
    }, (error: unknown) => {
      deps.logger.warn({ err: error }, 'realtime subscription failed');
      socket.close(1011, 'subscription failed');
    });

    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        socket.close(CLOSE_CODES.badFrame, 'text frames only');
        return;
      }
      const frame = parseClientFrame(data.toString());
      if (!frame) {
        send(errorFrame('VALIDATION_FAILED', 'Expected {type:"resume",responseId,afterSeq} or {type:"ping"}.'));
        return;
      }
      if (frame.type === 'ping') {
        send('{"type":"pong"}');
        return;
      }
      // Resumes wait for the subscription: entries appended meanwhile then reach the session live.
      void session.resume(frame.responseId, frame.afterSeq, joined);
    });
  });
}
