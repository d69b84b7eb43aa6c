import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService, waitFor } from '@versaai/testing';
import { startChatOnRedis, type ChatOnRedis } from './chat-alone.ts';
import { connectStream, wsUrl, type StreamClient } from './realtime-harness.ts';

const hasRedis = await requireService('redis', 'chat realtime after the Redis subscriber connection was lost');

// Redis pub/sub keeps nothing: appends published while the chat process's subscriber connection
// is down never reach its sockets. The socket is told `ready` again once the subscription is
// back, and the client's resume fetches what it missed from the stream.
describe.skipIf(!hasRedis)('chat realtime: the Redis subscription is lost and comes back', () => {
  let platform: ChatOnRedis;
  let client: StreamClient | undefined;

  beforeAll(async () => {
    platform = await startChatOnRedis();
  });

  afterAll(async () => {
    await client?.close();
    await platform?.stop();
  });

  it('says ready again once resubscribed, and a resume brings what was appended meanwhile', async () => {
    const token = await platform.identity.issuer.sign({ sub: 'rosa' });
    client = await connectStream(wsUrl(platform.chat.platform.url), token);
    const ref = { responseId: randomUUID(), conversationId: 'c', userId: 'rosa' };
    await platform.writer.append(ref, [{ type: 'delta', text: 'one ' }]);
    await waitFor(() => client!.entriesOf(ref.responseId).length === 1 || undefined);

    const readyFrames = () => client!.frames.filter((frame) => frame.type === 'ready').length;
    // Both of the process's subscriber connections (response streams, notifications): each says `ready` once it is back.
    const cut = await platform.redis.cutSubscribers();
    expect(cut).toBe(2);
    // Appended while the subscriber may be down: perhaps never delivered live.
    await platform.writer.append(ref, [{ type: 'delta', text: 'two ' }]);
    await waitFor(() => readyFrames() === 1 + cut || undefined, { timeoutMs: 10_000 });

    const from = client.frames.length;
    client.send({ type: 'resume', responseId: ref.responseId, afterSeq: 1 });
    await client.next((frame) => frame.type === 'resumed', from);
    await platform.writer.append(ref, [{ type: 'delta', text: 'three' }, { type: 'end', status: 'completed' }]);
    await waitFor(() => client!.entriesOf(ref.responseId).some((entry) => entry.event.type === 'end') || undefined);

    const seqs = client.entriesOf(ref.responseId).map((entry) => entry.seq);
    // Seq 2 may have come live before the cut took effect and again with the resume; the client drops repeats by seq.
    expect([...new Set(seqs)]).toEqual([1, 2, 3, 4]);
    expect(readyFrames()).toBe(1 + cut);
  });
});
