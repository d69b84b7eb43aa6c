import { randomUUID } from 'node:crypto';
import { request as httpRequest, STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemError, toProblemBody, type Logger } from '@versaai/kernel';
import type { EdgeAuthenticate } from './edge-auth.ts';
import { rateLimitClient } from './edge-hooks.ts';
import { matchRoute } from './match-route.ts';
import { HOP_BY_HOP } from './proxy-messages.ts';
import { enforceRateLimit, type EdgeLimit } from './rate-limiter.ts';
import type { GatewayRoute } from './route-table.ts';
import { noReplicaProblem, upstreamProblem } from './upstream-errors.ts';
import type { Replica } from './upstream/replica.ts';
import type { ServicePool } from './upstream/service-pool.ts';

export interface UpgradeProxyDeps {
  /** The whole table: the longest prefix decides, as for plain requests. */
  table: readonly GatewayRoute[];
  pools: ReadonlyMap<string, ServicePool>;
  authenticate: EdgeAuthenticate;
  limit: EdgeLimit;
  logger: Logger;
  connectTimeoutMs: number;
}

const SANE_ID = /^[\w.:-]{1,128}$/;
// Per-hop headers a proxy must not forward as-is; the upgrade ones are set again below.

function writeProblem(socket: Duplex, error: unknown, path: string, requestId: string): void {
  const problem = error instanceof ProblemError ? error : new ProblemError({ status: 500, code: 'INTERNAL_ERROR' });
  const body = JSON.stringify(toProblemBody(problem, { instance: path, requestId }));
  const headers = { ...problem.headers, 'content-type': 'application/problem+json', 'content-length': String(Buffer.byteLength(body)), 'x-request-id': requestId, connection: 'close' };
  socket.end(`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n${body}`);
}

function headBlock(statusLine: string, rawHeaders: readonly string[]): string {
  let head = `${statusLine}\r\n`;
  for (let index = 0; index < rawHeaders.length; index += 2) head += `${rawHeaders[index]}: ${rawHeaders[index + 1]}\r\n`;
  return `${head}\r\n`;
}

/**
 * Proxies WebSocket upgrades (GET /api/chat/stream/ws) of the services that run elsewhere:
 * the edge's own authentication and rate limit run first on the upgrade request, then a
 * replica is picked from the service's pool (its balancer, breaker and health checks) and
 * the two sockets are piped byte for byte: frames are never parsed or re-framed here. The
 * service verifies the token again (zero trust).
 */
export function registerUpgradeProxy(app: FastifyInstance, deps: UpgradeProxyDeps): void {
  if (deps.pools.size === 0) return;
  const tunnels = new Set<Duplex>();
  const log = deps.logger.child({ component: 'upgrade-proxy' });

  async function admit(raw: IncomingMessage, socket: Duplex, route: GatewayRoute, requestId: string): Promise<boolean> {
    // The edge's rules take a request; these are the only fields they read on an upgrade.
    const request = { headers: raw.headers, url: raw.url ?? '/', ip: raw.socket.remoteAddress ?? '', identity: undefined } as unknown as FastifyRequest;
    const path = request.url.split('?', 1)[0]!;
    try {
      let identity;
      try {
        identity = await deps.authenticate(request, route);
      } catch (error) {
        await enforceRateLimit(deps.limit, route.rateLimit, rateLimitClient(request, undefined));
        throw error;
      }
      await enforceRateLimit(deps.limit, route.rateLimit, rateLimitClient(request, identity));
      return true;
    } catch (error) {
      writeProblem(socket, error, path, requestId);
      return false;
    }
  }

  function forwardHeaders(raw: IncomingMessage, requestId: string): IncomingHttpHeaders {
    const headers: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(raw.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
    return { ...headers, connection: 'Upgrade', upgrade: raw.headers.upgrade, 'x-request-id': requestId, 'x-forwarded-for': raw.socket.remoteAddress ?? '' };
  }

  function tunnel(raw: IncomingMessage, socket: Duplex, head: Buffer, route: GatewayRoute, pool: ServicePool, requestId: string, tried: Set<Replica>): void {
    const replica = pool.pick(tried);
    if (!replica) {
      writeProblem(socket, tried.size === 0 ? noReplicaProblem(route.service, pool.retryAfterSeconds()) : upstreamProblem(route.service, 'connect'), raw.url ?? '/', requestId);
      return;
    }
    tried.add(replica);
    const lease = replica.acquire();
    const target = new URL(raw.url ?? '/', replica.origin);
    const upstream = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, { method: 'GET', headers: forwardHeaders(raw, requestId), timeout: deps.connectTimeoutMs });
    socket.once('close', () => upstream.destroy());
    upstream.once('timeout', () => upstream.destroy(new Error('upgrade timed out')));
    upstream.once('upgrade', (response, upstreamSocket, upstreamHead) => {
      lease.settle('success');
      upstream.setTimeout(0);
      // A tunnel is idle between heartbeats: no idle timeout from anyone on this process's side.
      if (socket instanceof Socket) socket.setTimeout(0);
      socket.write(headBlock(`HTTP/1.1 101 ${response.statusMessage ?? 'Switching Protocols'}`, response.rawHeaders));
      if (upstreamHead.length > 0) socket.write(upstreamHead);
      if (head.length > 0) upstreamSocket.write(head);
      for (const end of [socket, upstreamSocket]) tunnels.add(end);
      const close = () => {
        lease.release();
        for (const end of [socket, upstreamSocket]) {
          tunnels.delete(end);
          end.destroy();
        }
      };
      upstreamSocket.once('close', close);
      socket.once('close', close);
      upstreamSocket.on('error', close);
      socket.on('error', close);
      upstreamSocket.pipe(socket);
      socket.pipe(upstreamSocket);
    });
    upstream.once('response', (response) => {
      // The replica answered without upgrading (401, 404, 503…): relay its answer as is.
      lease.settle(response.statusCode !== undefined && response.statusCode >= 502 && response.statusCode <= 504 ? 'failure' : 'success');
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () => {
        lease.release();
        const body = Buffer.concat(chunks);
        const rawHeaders: string[] = [];
        for (let index = 0; index < response.rawHeaders.length; index += 2) {
          const name = response.rawHeaders[index]!;
          if (!HOP_BY_HOP.has(name.toLowerCase()) && name.toLowerCase() !== 'content-length') rawHeaders.push(name, response.rawHeaders[index + 1]!);
        }
        rawHeaders.push('content-length', String(body.length), 'connection', 'close');
        socket.end(Buffer.concat([Buffer.from(headBlock(`HTTP/1.1 ${response.statusCode} ${response.statusMessage ?? ''}`, rawHeaders)), body]));
      });
    });
    upstream.once('error', (error) => {
      lease.settle('failure');
      lease.release();
      if (socket.destroyed) return;
      log.warn({ err: error, service: route.service, replica: replica.origin }, 'upgrade to replica failed');
      // Nothing reached the client yet: another replica may take it (an upgrade is a GET).
      tunnel(raw, socket, head, route, pool, requestId, tried);
    });
    upstream.end();
  }

  const onUpgrade = (raw: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (raw.url ?? '/').split('?', 1)[0]!;
    const route = matchRoute(deps.table, path);
    const pool = route ? deps.pools.get(route.service) : undefined;
    // Not ours (a service hosted in this process upgrades its own routes).
    if (!route || !pool) {
      if (app.server.listenerCount('upgrade') === 1) socket.destroy();
      return;
    }
    socket.on('error', () => socket.destroy());
    const requestId = typeof raw.headers['x-request-id'] === 'string' && SANE_ID.test(raw.headers['x-request-id']) ? raw.headers['x-request-id'] : randomUUID();
    void admit(raw, socket, route, requestId).then((admitted) => {
      if (admitted && !socket.destroyed) tunnel(raw, socket, head, route, pool, requestId, new Set());
    });
  };

  app.server.on('upgrade', onUpgrade);
  app.addHook('preClose', (done) => {
    app.server.off('upgrade', onUpgrade);
    // Upgraded sockets are no longer the HTTP server's: close them so shutdown does not wait; clients reconnect.
    for (const end of tunnels) end.destroy();
    done();
  });
}
