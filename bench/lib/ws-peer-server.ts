/**
 * The peer of bench/chat-websockets.ts: a bare `ws` server doing the same job as the chat
 * service's real-time channel with nothing else — one Redis subscription per connected user,
 * each message sent as is to that user's sockets. No auth, no protocol, no buffering limits.
 * Env: PORT, REDIS_URL, PREFIX.
 */
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { WebSocketServer, type WebSocket } from 'ws';

const port = Number(process.env.PORT);
const prefix = process.env.PREFIX ?? 'peer:';
const subscriber = new Redis(process.env.REDIS_URL!);
const users = new Map<string, { sockets: Set<WebSocket>; subscribed: Promise<unknown> }>();

subscriber.on('message', (channel: string, message: string) => {
  const user = users.get(channel.slice(prefix.length));
  if (user) for (const socket of user.sockets) socket.send(message);
});

const server = createServer((request, response) => {
  response.writeHead(request.url === '/ready' ? 200 : 404).end();
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', (socket, request) => {
  const userId = new URL(request.url ?? '/', 'http://x').searchParams.get('user') ?? 'anonymous';
  let user = users.get(userId);
  if (!user) users.set(userId, (user = { sockets: new Set(), subscribed: subscriber.subscribe(prefix + userId) }));
  const { sockets } = user;
  sockets.add(socket);
  void user.subscribed.then(() => socket.send('{"type":"ready"}'));
  socket.on('close', () => {
    sockets.delete(socket);
    if (sockets.size === 0 && users.get(userId) === user) {
      users.delete(userId);
      void subscriber.unsubscribe(prefix + userId);
    }
  });
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  for (const socket of wss.clients) socket.terminate();
  server.close(() => {
    subscriber.disconnect();
    process.exit(0);
  });
});
