import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService, waitFor } from '@versaai/testing';
import { startChatOnRedis, type ChatOnRedis } from './chat-alone.ts';
import { connectStream, wsUrl, type StreamClient } from './realtime-harness.ts';

const hasRedis = await requireService('redis', 'chat realtime subscriptions while the subscriber connection opens');

const USERS = 120;

// A fresh replica opens its Redis subscriber connection on the first socket. Sockets arriving
// while that connection is still in its handshake used to get their SUBSCRIBE written early;
// ioredis then failed its own ready check on the subscribed connection, dropped it and
// reconnected without those channels: some sockets were closed with 1011, others were told
// `ready` while nothing reached them any more.
describe.skipIf(!hasRedis)('chat realtime: many users connecting to a fresh replica at once', () => {
  let platform: ChatOnRedis;
  const clients: StreamClient[] = [];

  beforeAll(async () => {
    platform = await startChatOnRedis();
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await platform?.stop();
  });

  it('every socket gets ready, and every ready socket receives what is appended afterwards', async () => {
    const userIds = Array.from({ length: USERS }, (_, index) => `burst-${index}`);
    const tokens = await Promise.all(userIds.map((sub) => platform.identity.issuer.sign({ sub })));
    const url = wsUrl(platform.chat.platform.url);
    // Opened a millisecond apart, so that some arrive during the subscriber connection's handshake.
    const opened = await Promise.all(tokens.map(async (token, index) => {
      await sleep(index);
      const client = await connectStream(url, token, { waitReady: false });
      clients.push(client);
      const outcome = await Promise.race([
        client.next((frame) => frame.type === 'ready').then(() => 'ready', () => 'no ready frame'),
        client.closed.then(({ code, reason }) => `closed ${code} ${reason}`),
      ]);
      return { client, outcome };
    }));

    const refs = userIds.map((userId) => ({ responseId: randomUUID(), conversationId: 'c', userId }));
    await Promise.all(refs.map((ref) => platform.writer.append(ref, [{ type: 'delta', text: 'hello' }])));
    // Every socket got its own user's entry; a socket left without its subscription would wait forever.
    const ready = (index: number) => opened[index]!.outcome === 'ready';
    const received = (index: number) => opened[index]!.client.entriesOf(refs[index]!.responseId).length === 1;
    await waitFor(() => userIds.every((_, index) => !ready(index) || received(index)) || undefined, { timeoutMs: 5_000 }).catch(() => undefined);
    expect({
      notReady: opened.filter((_, index) => !ready(index)).map(({ outcome }) => outcome),
      readyWithoutTheirEntry: userIds.filter((_, index) => ready(index) && !received(index)),
    }).toEqual({ notReady: [], readyWithoutTheirEntry: [] });
  });
});
