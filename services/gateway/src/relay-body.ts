import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { upstreamProblem } from './upstream-errors.ts';
import { classifyFailure } from './upstream/retry-policy.ts';

/** Bodies up to this size, announced by content-length, are read whole and relayed in one write. */
export const WHOLE_BODY_MAX_BYTES = 64 * 1024;

interface UpstreamBody {
  headers: Record<string, unknown>;
  /** undici's body: a Readable that can also be read whole. */
  stream: Readable & { arrayBuffer?: () => Promise<ArrayBuffer> };
}

/**
 * Relays an upstream answer's body. Most API answers are small JSON documents with a
 * content-length: sending them as one buffer skips the stream plumbing (pipe, data events,
 * end-of-stream tracking), a sizeable share of the gateway's CPU per proxied request.
 * Anything unsized (SSE, chunked), large, or the answer to HEAD streams as it comes.
 */
export function relayBody(request: FastifyRequest, reply: { send(payload: unknown): unknown }, upstream: object, service: string): void {
  // reply-from types the answer for every client it supports; through undici it is this shape.
  const response = upstream as UpstreamBody;
  const length = Number(response.headers['content-length']);
  const readWhole = response.stream.arrayBuffer;
  if (request.method === 'HEAD' || !Number.isSafeInteger(length) || length > WHOLE_BODY_MAX_BYTES || typeof readWhole !== 'function') {
    reply.send(response.stream);
    return;
  }
  readWhole.call(response.stream).then(
    (body) => reply.send(Buffer.from(body)),
    (error: unknown) => {
      request.log.warn({ err: error, service }, 'upstream body failed');
      reply.send(upstreamProblem(service, classifyFailure(error)));
    },
  );
}
