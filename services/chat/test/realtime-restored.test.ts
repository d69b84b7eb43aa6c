import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisResponseStreamStore, type ResponseStreamStore } from '@versaai/storage';
import { createTestRedisPrefix, requireService, startTestIdentity, waitFor, type TestIdentity, type TestRedisPrefix } from '@versaai/testing';
import { startChatAlone, type ChatAlone } from './chat-alone.ts';
import { connectStream, wsUrl, type StreamClient } from './realtime-harness.ts';

const hasRedis = await requireService('redis', 'chat realtime after the Redis subscriber connection was lost');

// Redis pub/sub keeps nothing: appends published while the chat process's subscriber connection
// is down never reach its sockets. The socket is told `ready` again once the subscription is
// back, and the client's resume fetches what it missed from the stream.
describe.skipIf(!hasRedis)('chat realtime: the Redis subscription is lost and comes back', () => {
  let identity: TestIdentity;
  let redis: TestRedisPrefix;
  let chat: ChatAlone;
  let writer: ResponseStreamStore;
  let client: StreamClient | undefined;

  beforeAll(async () => {
    identity = await startTestIdentity();
    redis = createTestRedisPrefix();
    chat = await startChatAlone({ REDIS_URL: redis.url, VERSAAI_REDIS_PREFIX: redis.prefix }, identity);
    writer = createRedisResponseStreamStore({ url: redis.url, prefix: redis.prefix, retentionMs: 60_000 });
  });

  afterAll(async () => {
    await client?.close();
    await chat?.stop();
    await writer?.close();
    await identity?.close();
    await redis?.cleanup();
  });

  it('says ready again once resubscribed, and a resume brings what was appended meanwhile', async () => {
    const token = await identity.issuer.sign({ sub: 'rosa' });
    client = await connectStream(wsUrl(chat.platform.url), token);
    const ref = { responseId: randomUUID(), conversationId: 'c', userId: 'rosa' };
    await writer.append(ref, [{ type: 'delta', text: 'one ' }]);
    await waitFor(() => client!.entriesOf(ref.responseId).length === 1 || undefined);

    const readyFrames = () => client!.frames.filter((frame) => frame.type === 'ready').length;
    // Both of the process's subscriber connections (response streams, notifications): each says `ready` once it is back.
    const cut = await redis.cutSubscribers();
    expect(cut).toBe(2);
    // Appended while the subscriber may be down: perhaps never delivered live.
    await writer.append(ref, [{ type: 'delta', text: 'two ' }]);
    await waitFor(() => readyFrames() === 1 + cut || undefined, { timeoutMs: 10_000 });

    const from = client.frames.length;
    client.send({ type: 'resume', responseId: ref.responseId, afterSeq: 1 });
    await client.next((frame) => frame.type === 'resumed', from);
    await writer.append(ref, [{ type: 'delta', text: 'three' }, { type: 'end', status: 'completed' }]);
    await waitFor(() => client!.entriesOf(ref.responseId).some((entry) => entry.event.type === 'end') || undefined);

    const seqs = client.entriesOf(ref.responseId).map((entry) => entry.seq);
    // Seq 2 may have come live before the cut took effect and again with the resume; the client drops repeats by seq.
    expect([...new Set(seqs)]).toEqual([1, 2, 3, 4]);
    expect(readyFrames()).toBe(1 + cut);
  });
});
