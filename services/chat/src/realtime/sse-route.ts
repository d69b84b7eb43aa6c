import type { FastifyInstance } from 'fastify';
import { ProblemError } from '@versaai/kernel';
import { errorFrame } from './frames.ts';
import { msUntilExpiry } from './stream-auth.ts';
import { StreamSession, type StreamPeer } from './stream-session.ts';
import type { StreamRouteDeps } from './websocket-route.ts';

const LAST_EVENT_ID = /^([\w.:-]{1,128}):(\d{1,15})$/;

const querystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    responseId: { type: 'string', minLength: 1, maxLength: 128 },
    afterSeq: { type: 'integer', minimum: 0 },
    // EventSource cannot send headers; read by the authenticator, masked in logs.
    access_token: { type: 'string', maxLength: 8192 },
  },
} as const;

interface SseQuery { responseId?: string; afterSeq?: number; access_token?: string }

/** Where to resume: the `Last-Event-ID` an EventSource sends on reconnect wins over the query. */
function resumePoint(lastEventId: string | string[] | undefined, query: SseQuery): { responseId: string; afterSeq: number } | undefined {
  if (typeof lastEventId === 'string' && lastEventId !== '') {
    const match = LAST_EVENT_ID.exec(lastEventId);
    if (!match) throw new ProblemError({ status: 400, code: 'VALIDATION_FAILED', detail: 'Last-Event-ID must be <responseId>:<seq>.' });
    return { responseId: match[1]!, afterSeq: Number(match[2]) };
  }
  if (query.responseId !== undefined) return { responseId: query.responseId, afterSeq: query.afterSeq ?? 0 };
  return undefined;
}

/**
 * GET /stream/sse: the fallback where WebSockets do not pass. The same frames as `data:` lines;
 * entries frames carry `id: <responseId>:<last seq>` so a reconnecting EventSource resumes by
 * itself. A client whose unsent bytes pass the limit is disconnected.
 */
export async function sseRoute(app: FastifyInstance, deps: StreamRouteDeps): Promise<void> {
  // Open streams would hold the server's close until its deadline: shutdown ends them (clients reconnect elsewhere).
  const open = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const end of open) end();
    done();
  });
  app.get<{ Querystring: SseQuery }>('/stream/sse', {
    schema: { querystring },
    onRequest: async (request) => {
      await deps.authenticate(request);
    },
  }, async (request, reply) => {
    const identity = request.identity!;
    const resume = resumePoint(request.headers['last-event-id'], request.query);
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // Proxies such as nginx buffer responses unless told not to.
      'x-accel-buffering': 'no',
    });
    raw.flushHeaders();
    deps.metrics.opened('sse');

    let closed = false;
    const write = (text: string) => {
      if (closed) return;
      if (raw.writableLength > deps.config.maxBufferedBytes) {
        closed = true;
        deps.metrics.dropped('sse', 'slow_consumer');
        deps.logger.warn({ userId: identity.userId, bufferedBytes: raw.writableLength }, 'realtime SSE client too slow; dropping it');
        raw.destroy();
        return;
      }
      raw.write(text);
    };
    const peer: StreamPeer = {
      sendEntries: (frame, responseId, lastSeq) => write(`id: ${responseId}:${lastSeq}\ndata: ${frame}\n\n`),
      sendMessage: (frame) => write(`data: ${frame}\n\n`),
      // EventSource reconnects by itself (after `retry`) with the Last-Event-ID it last saw.
      restored: () => end(),
    };
    const session = new StreamSession(identity.userId, peer, deps.streams);
    /** The last frame says why; an EventSource reconnecting afterwards is refused at connect (401). */
    const endWith = (code: string, detail: string) => {
      write(`data: ${errorFrame(code, detail)}\n\n`);
      closed = true;
      raw.end();
    };
    const stopBeating = deps.heartbeat.add({
      sessionId: identity.sessionId,
      beat: () => write(': ping\n\n'),
      revoked() {
        if (closed) return;
        deps.metrics.dropped('sse', 'revoked');
        endWith('AUTH_SESSION_REVOKED', 'This session has been revoked: sign in again.');
      },
    });
    const expiry = setTimeout(() => {
      deps.metrics.dropped('sse', 'token_expired');
      endWith('AUTH_TOKEN_EXPIRED', 'The access token expired: reconnect with a fresh one.');
    }, msUntilExpiry(identity));
    expiry.unref();

    let leave: (() => void) | undefined;
    const end = () => {
      closed = true;
      raw.end();
    };
    open.add(end);
    raw.on('close', () => {
      deps.metrics.closed('sse');
      open.delete(end);
      closed = true;
      clearTimeout(expiry);
      stopBeating();
      leave?.();
    });
    try {
      const unjoin = await deps.hub.join(session);
      if (closed) {
        unjoin();
        return;
      }
      leave = unjoin;
    } catch (error) {
      deps.logger.warn({ err: error }, 'realtime subscription failed');
      closed = true;
      raw.destroy();
      return;
    }
    // Tells the browser how long to wait before reconnecting, then that the stream is live.
    write(`retry: 2000\ndata: ${JSON.stringify({ type: 'ready', heartbeatMs: deps.config.heartbeatMs })}\n\n`);
    if (resume) await session.resume(resume.responseId, resume.afterSeq);
  });
}
