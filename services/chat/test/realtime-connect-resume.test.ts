import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPlatform } from '@versaai/runtime';
import type { ResponseRef, ResponseStreamStore } from '@versaai/storage';
import { waitFor, type TestIssuer } from '@versaai/testing';
import { startChatAlone, type ChatAlone } from './chat-alone.ts';
import { connectStream, textOf, wsUrl, type StreamClient } from './realtime-harness.ts';

/**
 * A reconnecting client names the response it was reading in the WebSocket URL. Unlike a
 * resume frame sent after the socket opened, nothing of that response can reach it live
 * before the entries it missed: the wire carries each entry once, in seq order.
 */
describe('chat realtime: resume at connect time', () => {
  let chat: ChatAlone;
  let issuer: TestIssuer;
  let platform: RunningPlatform;
  let streams: ResponseStreamStore;
  const open: StreamClient[] = [];

  beforeAll(async () => {
    chat = await startChatAlone();
    ({ issuer, platform, streams } = chat);
  });

  afterAll(async () => {
    await Promise.all(open.map((client) => client.close()));
    await chat?.stop();
  });

  it('sends the missed entries, then the live ones, each once and in order, while appends race the connection', async () => {
    const ref: ResponseRef = { responseId: randomUUID(), conversationId: randomUUID(), userId: 'erin' };
    const texts = Array.from({ length: 80 }, (_, index) => `t${index} `);
    await streams.append(ref, texts.slice(0, 10).map((text) => ({ type: 'delta' as const, text })));
    const url = `${wsUrl(platform.url)}?responseId=${ref.responseId}&afterSeq=4`;
    // Appends keep coming while the socket opens, subscribes and reads the store.
    const appending = (async () => {
      for (const text of texts.slice(10)) await streams.append(ref, [{ type: 'delta', text }]);
      await streams.append(ref, [{ type: 'end', status: 'completed' }]);
    })();
    const client = await connectStream(url, await issuer.sign({ sub: 'erin' }), { waitReady: false });
    open.push(client);
    await appending;
    await waitFor(() => client.entriesOf(ref.responseId).some((entry) => entry.event.type === 'end') || undefined);
    const received = client.entriesOf(ref.responseId);
    expect(received.map((entry) => entry.seq)).toEqual(Array.from({ length: 77 }, (_, index) => index + 5));
    expect(textOf(received)).toBe(texts.slice(4).join(''));
  });

  it('refuses a malformed resume in the URL before upgrading', async () => {
    const token = await issuer.sign({ sub: 'erin' });
    await expect(connectStream(`${wsUrl(platform.url)}?responseId=x&afterSeq=-1`, token)).rejects.toThrow(/400/);
  });
});
