import { createServer, type Server } from 'node:http';
import type { StoredMessage } from './web-seed.ts';

/**
 * The peer: the same messages rendered by a bare page — plain DOM, no framework, no
 * virtualisation, no Markdown: a script builds one <article> per message from JSON in the
 * page (text only). It shows what putting every message in the DOM costs on this machine.
 */
const BUILD_SCRIPT = `
const messages = JSON.parse(document.getElementById('messages').textContent);
const list = document.getElementById('list');
const fragment = document.createDocumentFragment();
for (const message of messages) {
  const article = document.createElement('article');
  article.className = 'message message-' + message.role;
  article.dataset.messageId = message.id;
  const author = document.createElement('h3');
  author.textContent = message.role === 'user' ? 'You' : 'Assistant';
  const text = document.createElement('div');
  text.className = 'message-text';
  text.textContent = message.content;
  article.append(author, text);
  fragment.append(article);
}
list.append(fragment);
list.scrollTop = list.scrollHeight;
`;

function escapeJsonForHtml(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c');
}

export function peerHtml(messages: readonly StoredMessage[]): string {
  const data = messages.map(({ id, role, content }) => ({ id, role, content }));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Peer: ${messages.length} messages, plain DOM</title>
<style>
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; }
#list { height: 100vh; overflow-y: auto; padding: 1rem; box-sizing: border-box; }
.message { margin-bottom: 1rem; } .message-text { white-space: pre-wrap; }
</style></head>
<body><main id="list"></main>
<script type="application/json" id="messages">${escapeJsonForHtml(data)}</script>
<script src="/build.js"></script></body></html>`;
}

export interface PeerServer { url: string; close(): Promise<void> }

/** A tiny HTTP server for the peer page (`/`), its script and an empty same-origin page (`/blank`). */
export async function startPeerServer(html: string): Promise<PeerServer> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else if (req.url === '/build.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(BUILD_SCRIPT);
    else if (req.url === '/blank') res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>blank</title>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
