import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPlatform } from '@versaai/runtime';
import { createRedisResponseStreamStore, type ResponseStreamStore } from '@versaai/storage';
import {
  createTestRedisPrefix, requireService, startTestIdentity, waitFor, type TestIdentity, type TestIssuer, type TestRedisPrefix,
} from '@versaai/testing';
import { startChatAlone, type ChatAlone } from './chat-alone.ts';
import { createChatNotifier } from '../src/realtime/chat-notifier.ts';
import { connectStream, textOf, wsUrl, type StreamClient } from './realtime-harness.ts';

const hasRedis = await requireService('redis', 'chat replicas sharing Redis');

// Two chat replicas (each with its own Redis connections, as two processes have) and an AI
// service's writer: what is appended anywhere reaches the user's sockets on every replica.
describe.skipIf(!hasRedis)('chat realtime across replicas sharing Redis', () => {
  let identity: TestIdentity;
  let issuer: TestIssuer;
  let redis: TestRedisPrefix;
  const chats: ChatAlone[] = [];
  const replicas: RunningPlatform[] = [];
  let writer: ResponseStreamStore;
  const clients: StreamClient[] = [];

  const connect = async (replica: RunningPlatform, userId: string) => {
    const client = await connectStream(wsUrl(replica.url), await issuer.sign({ sub: userId }));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    identity = await startTestIdentity();
    issuer = identity.issuer;
    redis = createTestRedisPrefix();
    for (let index = 0; index < 2; index += 1) {
      const chat = await startChatAlone({ REDIS_URL: redis.url, VERSAAI_REDIS_PREFIX: redis.prefix }, identity);
      chats.push(chat);
      replicas.push(chat.platform);
    }
    writer = createRedisResponseStreamStore({ url: redis.url, prefix: redis.prefix, retentionMs: 60_000 });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    for (const chat of chats) await chat.stop();
    await writer?.close();
    await identity?.close();
    await redis?.cleanup();
  });

  it('a delta appended by another process reaches the user\'s sockets on both replicas, and no one else\'s', async () => {
    const [onFirst, onSecond, stranger] = [await connect(replicas[0]!, 'olga'), await connect(replicas[1]!, 'olga'), await connect(replicas[1]!, 'pat')];
    const ref = { responseId: randomUUID(), conversationId: randomUUID(), userId: 'olga' };
    await writer.append(ref, [{ type: 'delta', text: 'across ' }, { type: 'delta', text: 'replicas' }]);
    await writer.append(ref, [{ type: 'end', status: 'completed' }]);
    for (const device of [onFirst, onSecond]) {
      await device.next((frame) => frame.type === 'entries' && frame.entries!.some((entry) => entry.event.type === 'end'));
      expect(device.entriesOf(ref.responseId).map((entry) => entry.seq)).toEqual([1, 2, 3]);
      expect(textOf(device.entriesOf(ref.responseId))).toBe('across replicas');
    }
    stranger.send({ type: 'ping' });
    await stranger.next((frame) => frame.type === 'pong');
    expect(stranger.entriesOf(ref.responseId)).toEqual([]);
  });

  it('resumes on one replica a response another process wrote, while it is still being written', async () => {
    const ref = { responseId: randomUUID(), conversationId: randomUUID(), userId: 'quinn' };
    const texts = Array.from({ length: 40 }, (_, index) => `w${index} `);
    for (const text of texts.slice(0, 10)) await writer.append(ref, [{ type: 'delta', text }]);
    const client = await connect(replicas[1]!, 'quinn');
    const from = client.frames.length;
    client.send({ type: 'resume', responseId: ref.responseId, afterSeq: 4 });
    for (const text of texts.slice(10)) await writer.append(ref, [{ type: 'delta', text }]);
    await writer.append(ref, [{ type: 'end', status: 'completed' }]);
    await waitFor(() => client.entriesOf(ref.responseId, from).some((entry) => entry.event.type === 'end') || undefined);
    const entries = client.entriesOf(ref.responseId, from);
    const resumed = entries.slice(entries.findIndex((entry) => entry.seq === 5));
    expect(resumed.map((entry) => entry.seq)).toEqual(Array.from({ length: 37 }, (_, index) => index + 5));
    expect(textOf(resumed)).toBe(texts.slice(4).join(''));
  });

  it('a notification published on one replica reaches the user\'s socket on the other', async () => {
    const socket = await connect(replicas[1]!, 'rita');
    createChatNotifier(replicas[0]!.services.get('chat')!.context).notify('rita', { type: 'message.created', conversationId: 'c', messageId: 'm' });
    expect(await socket.next((frame) => frame.type === 'message.created')).toEqual({ type: 'message.created', conversationId: 'c', messageId: 'm' });
  });
});
