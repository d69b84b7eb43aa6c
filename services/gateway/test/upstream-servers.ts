import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real upstream replica on an ephemeral port. It echoes what it received with its own
 * name; `/…/hold` waits until the test releases it; `/…/stream` sends a first chunk (no
 * content-length) and ends when released; `/…/broken` announces 100 bytes and breaks off after
 * a few; `/ready` answers 200 or 503 from `ready`.
 * `stop()` closes the port (connections refused) and `start()` opens the same port again.
 */
export interface TestUpstream {
  name: string;
  url: string;
  ready: boolean;
  readyChecks: number;
  /** Proxied requests seen (not /ready). */
  seen: Array<{ method: string; url: string }>;
  held: Array<() => void>;
  /** Held requests whose connection closed before they were answered. */
  closedEarly: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startUpstream(name: string): Promise<TestUpstream> {
  let port = 0;
  let server: Server;
  const upstream: TestUpstream = {
    name,
    url: '',
    ready: true,
    readyChecks: 0,
    seen: [],
    held: [],
    closedEarly: 0,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
    async start() {
      server = createServer((req, res) => {
        if (req.url === '/ready') {
          upstream.readyChecks += 1;
          res.statusCode = upstream.ready ? 200 : 503;
          res.end();
          return;
        }
        upstream.seen.push({ method: req.method!, url: req.url! });
        if (req.url?.includes('/stream')) {
          res.setHeader('content-type', 'text/plain');
          res.write('first\n');
          upstream.held.push(() => res.end('last\n'));
          return;
        }
        if (req.url?.includes('/broken')) {
          res.setHeader('content-type', 'application/json');
          res.setHeader('content-length', '100');
          res.write('{"partial":');
          setTimeout(() => res.socket?.destroy(), 20);
          return;
        }
        let body = '';
        req.on('data', (chunk) => { body += chunk; });
        req.on('end', () => {
          const answer = () => {
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify({
              replica: name, method: req.method, url: req.url, body,
              requestId: req.headers['x-request-id'], correlationId: req.headers['x-correlation-id'], headers: req.headers,
            }));
          };
          if (req.url?.includes('/hold')) {
            upstream.held.push(answer);
            res.on('close', () => { if (!res.writableFinished) upstream.closedEarly += 1; });
          } else answer();
        });
      });
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
      upstream.url = `http://127.0.0.1:${port}`;
    },
  };
  await upstream.start();
  return upstream;
}

/** A URL on which nothing listens: connections are refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await new Promise((resolve) => server.close(resolve));
  return url;
}

/** An HTTPS server with a self-signed certificate (made by openssl): a client that checks certificates must refuse it. */
export async function startSelfSignedHttps(): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'versaai-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  let hits = 0;
  const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => {
    hits += 1;
    res.end('{}');
  });
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
