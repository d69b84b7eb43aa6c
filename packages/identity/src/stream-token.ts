import { bearerToken } from './bearer.ts';

/** The WebSocket subprotocol a browser client offers alongside the token (the server selects it). */
export const STREAM_PROTOCOL = 'versaai.v1';
/** Prefix of the subprotocol that carries the access token: `versaai.bearer.<token>`. */
export const STREAM_BEARER_PROTOCOL_PREFIX = 'versaai.bearer.';

interface TokenCarrier {
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

function protocolToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  for (const offered of header.split(',')) {
    const protocol = offered.trim();
    if (protocol.startsWith(STREAM_BEARER_PROTOCOL_PREFIX) && protocol.length > STREAM_BEARER_PROTOCOL_PREFIX.length) {
      return protocol.slice(STREAM_BEARER_PROTOCOL_PREFIX.length);
    }
  }
  return undefined;
}

function queryToken(url: string): string | undefined {
  const start = url.indexOf('?');
  if (start < 0) return undefined;
  return new URLSearchParams(url.slice(start + 1)).get('access_token') ?? undefined;
}

/**
 * The access token of a long-lived stream request. Browsers cannot set headers on a WebSocket
 * or an EventSource, so besides `Authorization: Bearer` the token may come as the subprotocol
 * `versaai.bearer.<token>` of a WebSocket upgrade (as Kubernetes does) or, for EventSource only,
 * as the `access_token` query parameter (RFC 6750 §2.3; the logger masks it). The edge and the
 * chat service both read it here, so they agree on which token a request carries.
 */
export function streamAccessToken(request: TokenCarrier): string | undefined {
  const header = bearerToken(request.headers.authorization);
  if (header !== undefined) return header;
  if (request.headers.upgrade !== undefined) return protocolToken(request.headers['sec-websocket-protocol']);
  return queryToken(request.url);
}
