/**
 * The floor peer of the /v1 bench: the least an HTTP-aware Node proxy can do between the same
 * client and the same fake LLM — node:http in, undici's dispatcher out (keep-alive pool, a
 * handler writing each piece to the client as it comes), bytes forwarded untouched. No auth,
 * quota, parsing or accounting: what it adds is the price of the extra hop itself on this
 * machine (two more wakeups, two more HTTP parses). Run as its own process:
 * `node --import tsx bench/lib/minimal-proxy.ts <upstream base URL> <port>`.
 */
import { createServer } from 'node:http';
import { Pool } from 'undici';

const [upstreamBase, portText] = process.argv.slice(2);
if (!upstreamBase || !portText) throw new Error('usage: minimal-proxy.ts <upstream base URL> <port>');
const upstream = new URL(upstreamBase);
const pool = new Pool(upstream.origin, { connections: 16 });

createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    pool.dispatch({
      path: `${upstream.pathname}${request.url!.replace(/^\/v1/, '')}`,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: request.headers.authorization ?? '' },
      body: Buffer.concat(chunks),
    }, {
      onConnect() {},
      onHeaders(status) {
        response.writeHead(status, { 'content-type': 'text/event-stream' });
        return true;
      },
      onData(chunk) {
        response.write(chunk);
        return true;
      },
      onComplete() {
        response.end();
      },
      onError(error) {
        response.destroy(error);
      },
    });
  });
}).listen(Number(portText), '127.0.0.1', () => console.log('ready'));
