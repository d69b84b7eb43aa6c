import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UpstreamHeaders } from './upstream/upstream-call.ts';

/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus those the
 * gateway sets itself: never copied from one side of the proxy to the other. `expect` is
 * answered by the gateway's own server; `content-length` is set again for the body sent.
 */
const REQUEST_HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'upgrade', 'expect', 'host', 'content-length',
  'x-request-id', 'x-forwarded-for',
]);
/** Headers about one connection, not the message (RFC 9110 §7.6.1): relayed by neither proxy (HTTP, upgrade). */
export const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'upgrade', 'trailer']);

/** Header names a `Connection` header lists: hop-by-hop for this message too. */
function connectionListed(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const names = (Array.isArray(value) ? value.join(',') : value).split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
  return names.length > 0 ? new Set(names) : undefined;
}

/**
 * What goes upstream: the client's end-to-end headers, the upstream's host, the request id,
 * the correlation id of the request context (a client-sent one only as the context accepted
 * it) and the peer address the gateway saw (a client-sent X-Forwarded-For is not trusted).
 */
export function forwardedHeaders(request: FastifyRequest, host: string, correlationId: string | undefined, contentType: string | undefined): Record<string, string | string[] | undefined> {
  const source = request.headers;
  const listed = connectionListed(source.connection);
  const headers: Record<string, string | string[] | undefined> = {};
  for (const name in source) {
    if (REQUEST_HOP_BY_HOP.has(name) || listed?.has(name)) continue;
    headers[name] = source[name];
  }
  headers.host = host;
  headers['x-request-id'] = String(request.id);
  if (correlationId !== undefined) headers['x-correlation-id'] = correlationId;
  headers['x-forwarded-for'] = request.ip;
  if (contentType !== undefined) headers['content-type'] = contentType;
  return headers;
}

/**
 * The request body to send on: raw bytes (any content type the gateway does not parse) and
 * text as they came; a JSON body (parsed here so limits and INVALID_JSON apply at the edge)
 * serialized again. Undefined when the request has none.
 */
export function forwardedBody(request: FastifyRequest): { payload: Buffer | string; contentType?: string } | undefined {
  const body = request.body;
  if (body === undefined) return undefined;
  if (Buffer.isBuffer(body) || typeof body === 'string') return { payload: body };
  return { payload: JSON.stringify(body), contentType: 'application/json' };
}

/** True when the path (not the query) has a `..` segment, encoded or not. */
export function hasDotSegment(url: string): boolean {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (!path.includes('..') && !path.includes('%')) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Malformed escapes: not a path any service routes.
    return true;
  }
  return decoded.split(/[/\\]/).includes('..');
}

/** Copies an upstream answer's end-to-end headers onto the client's reply. */
export function relayHeaders(headers: UpstreamHeaders, reply: FastifyReply): void {
  const listed = connectionListed(headers.connection);
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || listed?.has(name)) continue;
    reply.header(name, headers[name]);
  }
}
