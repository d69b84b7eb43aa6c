import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineService, startPlatform, type RunningPlatform } from '@versaai/runtime';
import { tempDataDir, type TempDataDir } from '@versaai/testing';
import { createGateway, type GatewayRoute } from '../src/index.ts';
import { webAppCsp } from '../src/web-app.ts';
import { startUpstream, type TestUpstream } from './upstream-servers.ts';

const echo = defineService({
  name: 'echo',
  migrations: [],
  async routes(app) {
    app.get('/hello', async () => ({ hello: true }));
  },
});
const table: GatewayRoute[] = [{ prefix: '/api/echo', service: 'echo', auth: 'public', rateLimit: 'standard', bodyLimit: 1024, timeoutMs: 1_000 }];

const INDEX = '<!doctype html><title>VersaAI</title><script type="module" src="/assets/app-abc123.js"></script>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(2000))});`;

/** A built app as Vite leaves it: index.html, hashed assets with precompressed twins, build metadata. */
async function writeDist(dir: string): Promise<void> {
  await mkdir(join(dir, 'assets'), { recursive: true });
  await mkdir(join(dir, '.vite'), { recursive: true });
  await writeFile(join(dir, 'index.html'), INDEX);
  await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(join(dir, 'assets', 'app-abc123.js'), SCRIPT);
  await writeFile(join(dir, 'assets', 'app-abc123.js.br'), brotliCompressSync(SCRIPT));
  await writeFile(join(dir, 'assets', 'app-abc123.js.gz'), gzipSync(SCRIPT));
  await writeFile(join(dir, '.vite', 'manifest.json'), '{}');
}

describe('gateway: the web app at /', () => {
  let dataDir: TempDataDir;
  let platform: RunningPlatform;
  const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

  beforeAll(async () => {
    dataDir = await tempDataDir();
    const dist = join(dataDir.dir, 'dist');
    await writeDist(dist);
    platform = await startPlatform({
      services: [echo], gateway: createGateway(table),
      env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', VERSAAI_DATA_DIR: dataDir.dir, WEB_DIST_DIR: dist },
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await dataDir?.remove();
  });

  it('serves index.html at / with the app CSP, revalidated on every visit', async () => {
    const response = await platform.app.inject({ url: '/', headers: { ...html, host: 'chat.example.com:8080' } });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(INDEX);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' ws://chat.example.com:8080 wss://chat.example.com:8080");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers every app route a browser navigates to with index.html (SPA fallback)', async () => {
    for (const url of ['/chat', '/chat/0193abc', '/reset-password?token=abc', '/verify-email?token=x']) {
      const response = await platform.app.inject({ url, headers: html });
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).toBe(INDEX);
    }
  });

  it('keeps problem+json 404s for unknown API paths, also for a browser', async () => {
    for (const url of ['/api/nope', '/api', '/v1/nope', '/v1']) {
      const response = await platform.app.inject({ url, headers: html });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toContain('application/problem+json');
      expect(response.json(), url).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect((await platform.app.inject({ url: '/api/echo/hello', headers: html })).json()).toEqual({ hello: true });
  });

  it('answers 404 (not HTML) for a missing asset and for non-HTML requests off the app', async () => {
    expect((await platform.app.inject({ url: '/assets/gone-999.js', headers: html })).statusCode).toBe(404);
    expect((await platform.app.inject({ url: '/robots.txt', headers: { accept: '*/*' } })).statusCode).toBe(404);
    // Build metadata is not part of the site.
    expect((await platform.app.inject({ url: '/.vite/manifest.json' })).statusCode).toBe(404);
  });

  it('serves hashed assets as immutable, precompressed by the build, with an ETag', async () => {
    const brotli = await platform.app.inject({ url: '/assets/app-abc123.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(brotli.statusCode).toBe(200);
    expect(brotli.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotli.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.headers.vary).toContain('accept-encoding');
    expect(brotliDecompressSync(brotli.rawPayload).toString()).toBe(SCRIPT);

    const gzip = await platform.app.inject({ url: '/assets/app-abc123.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.rawPayload).toString()).toBe(SCRIPT);

    const plain = await platform.app.inject({ url: '/assets/app-abc123.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);

    const etag = String(plain.headers.etag);
    const again = await platform.app.inject({ url: '/assets/app-abc123.js', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('answers HEAD like GET without a body', async () => {
    const response = await platform.app.inject({ method: 'HEAD', url: '/favicon.svg' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/svg+xml');
    expect(response.body).toBe('');
  });
});

describe('gateway: the web app in the distributed topology (a gateway process hosting no service)', () => {
  let dataDir: TempDataDir;
  let upstream: TestUpstream;
  let platform: RunningPlatform;

  beforeAll(async () => {
    dataDir = await tempDataDir();
    const dist = join(dataDir.dir, 'dist');
    await writeDist(dist);
    upstream = await startUpstream('echo');
    platform = await startPlatform({
      services: [], gateway: createGateway(table), separateProcesses: true,
      env: {
        PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json',
        VERSAAI_UPSTREAMS: `echo=${upstream.url}`, GATEWAY_HEALTH_INTERVAL_MS: '0', WEB_DIST_DIR: dist,
      },
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await upstream?.stop();
    await dataDir?.remove();
  });

  it('serves the app and its fallback while /api still goes to the services', async () => {
    const index = await fetch(`${platform.url}/chat/abc`, { headers: { accept: 'text/html' } });
    expect(index.status).toBe(200);
    expect(await index.text()).toBe(INDEX);
    const proxied = await fetch(`${platform.url}/api/echo/hello`, { headers: { accept: 'text/html' } });
    expect(await proxied.json()).toMatchObject({ replica: 'echo', url: '/api/echo/hello' });
    const unknown = await fetch(`${platform.url}/api/other`, { headers: { accept: 'text/html' } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('gateway: without a built web app', () => {
  it('starts and answers / with the problem 404 (WEB_APP=false, or no index.html in WEB_DIST_DIR)', async () => {
    const dataDir = await tempDataDir();
    try {
      for (const extra of [{ WEB_APP: 'false' }, { WEB_DIST_DIR: join(dataDir.dir, 'missing') }]) {
        const platform = await startPlatform({
          services: [echo], gateway: createGateway(table),
          env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', VERSAAI_DATA_DIR: dataDir.dir, ...extra },
        });
        try {
          const response = await platform.app.inject({ url: '/', headers: { accept: 'text/html' } });
          expect(response.statusCode).toBe(404);
          expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
        } finally {
          await platform.stop();
        }
      }
    } finally {
      await dataDir.remove();
    }
  });
});

describe('webAppCsp', () => {
  it('names the WebSocket origin only for a well-formed Host', () => {
    expect(webAppCsp('localhost:8080')).toContain("connect-src 'self' ws://localhost:8080 wss://localhost:8080;");
    expect(webAppCsp('[::1]:8080')).toContain('ws://[::1]:8080');
    expect(webAppCsp("evil; script-src *")).toContain("connect-src 'self';");
    expect(webAppCsp(undefined)).toContain("connect-src 'self';");
  });
});
