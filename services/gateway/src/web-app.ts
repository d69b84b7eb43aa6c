import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { envBool, envString, parseConfig, type Logger } from '@versaai/kernel';
import { loadWebAppFiles, type WebAppFile } from './web-app-files.ts';

/** Where `npm install` / `npm run build:web` put the production build in this repository. */
export const DEFAULT_WEB_DIST_DIR = fileURLToPath(new URL('../../../apps/web/dist', import.meta.url));

export const webAppConfigSchema = z.object({
  WEB_APP: envBool(true),
  WEB_DIST_DIR: envString().optional(),
});

/**
 * The app's policy: its own scripts, styles and images only, API calls and the chat WebSocket
 * to this origin only (ws/wss named explicitly: older browsers do not let 'self' cover them),
 * never framed. Vue renders with the CSSOM, which style-src does not restrict.
 */
export function webAppCsp(host: string | undefined): string {
  const sockets = host && /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(host) ? ` ws://${host} wss://${host}` : '';
  return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
    `connect-src 'self'${sockets}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;
}

function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/v1' || path.startsWith('/v1/');
}

function acceptsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

function send(request: FastifyRequest, reply: FastifyReply, file: WebAppFile): FastifyReply {
  reply.header('content-type', file.contentType).header('cache-control', file.cacheControl).header('etag', file.etag).header('vary', 'accept-encoding');
  if (file.contentType.startsWith('text/html')) reply.header('content-security-policy', webAppCsp(request.headers.host));
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  const accepted = String(request.headers['accept-encoding'] ?? '');
  if (file.brotli && /\bbr\b/.test(accepted)) return reply.header('content-encoding', 'br').send(file.brotli);
  if (file.gzip && /\bgzip\b/.test(accepted)) return reply.header('content-encoding', 'gzip').send(file.gzip);
  return reply.send(file.body);
}

/**
 * Serves the web app's production build at `/`: its files from memory (read on the first
 * request, so processes nobody browses pay nothing), and index.html for any other GET that
 * a browser navigates to (the SPA's own routes). /api and /v1 are never answered with the
 * app: an unknown API path keeps its problem+json 404.
 */
export function registerWebApp(app: FastifyInstance, opts: { env?: NodeJS.ProcessEnv; logger: Logger }): void {
  const config = parseConfig(webAppConfigSchema, opts.env ?? process.env);
  if (!config.WEB_APP) return;
  const dir = config.WEB_DIST_DIR ?? DEFAULT_WEB_DIST_DIR;
  if (!existsSync(join(dir, 'index.html'))) {
    opts.logger.warn({ dir }, 'web app not built: `npm run build:web` builds it (npm install does too); / answers 404 until then');
    return;
  }
  let files: Promise<Map<string, WebAppFile>> | undefined;
  // Hidden from the OpenAPI document: the app's files are not part of the API.
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?', 1)[0]!;
    if (isApiPath(path)) return reply.callNotFound();
    files ??= loadWebAppFiles(dir);
    const loaded = await files;
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return reply.callNotFound();
    }
    const file = loaded.get(decoded === '/' ? '/index.html' : decoded);
    if (file) return send(request, reply, file);
    // A missing hashed asset must stay a 404: HTML in its place would break the page in a confusing way.
    if (decoded.startsWith('/assets/') || !acceptsHtml(request)) return reply.callNotFound();
    return send(request, reply, loaded.get('/index.html')!);
  });
}
