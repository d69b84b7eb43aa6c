import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '@versaai/runtime';
import { STREAM_PROTOCOL } from '@versaai/identity';
import { CLOSE_CODES } from './frames.ts';
import { startHeartbeat } from './heartbeat.ts';
import { parseRealtimeConfig } from './realtime-config.ts';
import { createRealtimeHub } from './realtime-hub.ts';
import { createRealtimeMetrics } from './realtime-metrics.ts';
import { revocationSweep, type Revocable } from './revocation-sweep.ts';
import { sseRoute } from './sse-route.ts';
import { streamAuthenticator } from './stream-auth.ts';
import { websocketRoute, type StreamRouteDeps } from './websocket-route.ts';

/**
 * An upgrade request that does not become a WebSocket (refused, or sent to a route that is not
 * one) leaves a socket no HTTP parser reads any more; idle this long, it is destroyed. ws clears
 * the timeout of the sockets it takes over.
 */
const STRAY_UPGRADE_IDLE_MS = 5_000;

/** Client frames are small (resume, ping): anything bigger is refused by ws before it is buffered. */
const MAX_CLIENT_FRAME_BYTES = 4 * 1024;

/**
 * The real-time channel: GET /api/chat/stream/ws and /api/chat/stream/sse. Register it in the
 * chat service's routes with `await realtimeRoutes(app, ctx)`.
 */
export async function realtimeRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const config = parseRealtimeConfig(ctx.env);
  const logger = ctx.logger.child({ component: 'realtime' });
  const hub = createRealtimeHub({ streams: ctx.responseStreams, pubsub: ctx.pubsub, logger });
  // Each tick also re-checks its slice's sessions: a revoked one loses its streams within an interval.
  const heartbeat = startHeartbeat<Revocable>(config.heartbeatMs, revocationSweep(ctx.revocations, logger));
  await app.register(websocket, {
    // Clients are told why (1001 going away) and reconnect to another replica, then resume.
    preClose(done) {
      for (const client of this.websocketServer.clients) client.close(CLOSE_CODES.goingAway, 'server shutting down');
      this.websocketServer.close(() => {});
      done();
    },
    options: {
      maxPayload: MAX_CLIENT_FRAME_BYTES,
      perMessageDeflate: false,
      // Select our protocol, never the one carrying the token: it would be echoed back in the clear.
      handleProtocols: (protocols) => (protocols.has(STREAM_PROTOCOL) ? STREAM_PROTOCOL : false),
    },
  });
  const onUpgrade = (_request: IncomingMessage, socket: Duplex) => {
    if (socket instanceof Socket) socket.setTimeout(STRAY_UPGRADE_IDLE_MS, () => socket.destroy());
  };
  app.server.on('upgrade', onUpgrade);
  app.addHook('preClose', (done) => {
    app.server.off('upgrade', onUpgrade);
    done();
  });
  // An upgrade refused before the socket was taken over (401 at the edge, 429…) leaves a socket
  // no HTTP parser reads any more: end it once the answer is out, or it stays half-open.
  app.addHook('onResponse', (request, _reply, done) => {
    const socket = request.headers.upgrade === undefined ? undefined : request.raw.socket;
    if (socket && !socket.destroyed) {
      socket.once('finish', () => socket.destroy());
      socket.end();
    }
    done();
  });
  const metrics = createRealtimeMetrics(ctx.metrics.registry, () => hub.users());
  const deps: StreamRouteDeps = { hub, streams: ctx.responseStreams, heartbeat, config, logger, metrics, authenticate: streamAuthenticator(ctx.revocations) };
  await websocketRoute(app, deps);
  await sseRoute(app, deps);
  app.addHook('onClose', async () => {
    heartbeat.stop();
    await hub.close();
  });
}
