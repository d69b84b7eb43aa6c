import type { FastifyReply } from 'fastify';

const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

/**
 * A streamed /v1 answer written straight to the client's socket. Frames produced before the
 * answer may start (the quota not yet confirmed) are held; `start()` sends the head and them
 * at once, and every later frame is written in the turn it is produced. Through Fastify's
 * reply.send(stream) each frame would wait for a PassThrough and pipe's ticks on its way out
 * (on the first token's critical path). The reply is hijacked only when it starts, so errors
 * before that (quota, upstream failure) are still answered by the error handler; the headers
 * the edge set on the reply (request id, security, rate limit) are sent with the head, and
 * onResponse hooks still run when the response finishes.
 */
export class SseResponse {
  private held = '';
  private started = false;
  private ended = false;

  constructor(private readonly reply: FastifyReply) {}

  write(frame: string): void {
    if (this.started) this.reply.raw.write(frame);
    else this.held += frame;
  }

  /** Sends the head and the frames held so far; the reply is Fastify's no more. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const { reply } = this;
    reply.hijack();
    const raw = reply.raw;
    const headers = reply.getHeaders();
    for (const name in headers) {
      const value = headers[name];
      if (value !== undefined) raw.setHeader(name, value);
    }
    for (const name in SSE_HEADERS) raw.setHeader(name, SSE_HEADERS[name]!);
    raw.writeHead(200);
    if (this.held !== '') raw.write(this.held);
    this.held = '';
    if (this.ended) raw.end();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.started) this.reply.raw.end();
  }
}
