import type { FastifyRequest } from 'fastify';

/**
 * The caller's address for per-IP throttling. Behind the gateway (distributed) the socket is
 * the gateway's, which sets X-Forwarded-For to the client's address; anywhere else the header
 * is the client's own claim and is ignored.
 */
export function clientAddress(request: FastifyRequest, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first.slice(0, 64);
  }
  return request.ip;
}
