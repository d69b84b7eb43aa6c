import { randomUUID } from 'node:crypto';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPlatform } from '@versaai/runtime';
import type { ResponseRef, ResponseStreamStore } from '@versaai/storage';
import { createTestIssuer, waitFor, type TestIssuer } from '@versaai/testing';
import { startChatAlone, type ChatAlone } from './chat-alone.ts';
import { createChatNotifier } from '../src/realtime/chat-notifier.ts';
import { connectStream, textOf, wsUrl, type Frame } from './realtime-harness.ts';

interface SseClient {
  status: number;
  events: EventSourceMessage[];
  comments: string[];
  frames(): Frame[];
  close(): void;
}

async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event), onComment: (comment) => comments.push(comment) });
  if (response.body) {
    void (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of response.body!) parser.feed(decoder.decode(chunk, { stream: true }));
      } catch {
        // aborted by close()
      }
    })();
  }
  return { status: response.status, events, comments, frames: () => events.map((event) => JSON.parse(event.data) as Frame), close: () => abort.abort() };
}

// SSE fallback, heartbeats and notifications, with a short heartbeat.
describe('chat realtime over SSE, heartbeats and notifications', () => {
  let chat: ChatAlone;
  let issuer: TestIssuer;
  let platform: RunningPlatform;
  let streams: ResponseStreamStore;
  const sse: SseClient[] = [];

  const newResponse = (userId: string): ResponseRef => ({ responseId: randomUUID(), conversationId: randomUUID(), userId });
  const streamUrl = (query = '') => `${platform.url}/api/chat/stream/sse${query}`;
  const open = async (url: string, headers: Record<string, string> = {}) => {
    const client = await openSse(url, headers);
    sse.push(client);
    return client;
  };

  beforeAll(async () => {
    chat = await startChatAlone({ CHAT_STREAM_HEARTBEAT_MS: '400' });
    ({ issuer, platform, streams } = chat);
  });

  afterAll(async () => {
    for (const client of sse) client.close();
    await chat?.stop();
  });

  it('streams live entries with ids <responseId>:<seq> and resumes from Last-Event-ID', async () => {
    const ref = newResponse('ivan');
    const authorization = `Bearer ${await issuer.sign({ sub: 'ivan' })}`;
    const live = await open(streamUrl(), { authorization });
    expect(live.status).toBe(200);
    await waitFor(() => live.frames().find((frame) => frame.type === 'ready'));
    await streams.append(ref, [{ type: 'delta', text: 'one ' }, { type: 'delta', text: 'two ' }]);
    await waitFor(() => live.events.find((event) => event.id === `${ref.responseId}:2`));
    live.close();
    // Appended while the client was away; an EventSource reconnects with the last id it saw.
    await streams.append(ref, [{ type: 'delta', text: 'three ' }, { type: 'delta', text: 'four' }, { type: 'end', status: 'completed' }]);
    const again = await open(streamUrl(), { authorization, 'last-event-id': `${ref.responseId}:2` });
    await waitFor(() => again.frames().find((frame) => frame.type === 'resumed'));
    const entries = again.frames().filter((frame) => frame.type === 'entries').flatMap((frame) => frame.entries!);
    expect(entries.map((entry) => entry.seq)).toEqual([3, 4, 5]);
    expect(textOf(entries)).toBe('three four');
    expect(again.events.filter((event) => event.id).at(-1)!.id).toBe(`${ref.responseId}:5`);
  });

  it('takes the token and the resume point from the query, as an EventSource must', async () => {
    const ref = newResponse('judy');
    await streams.append(ref, [{ type: 'delta', text: 'a' }, { type: 'delta', text: 'b' }]);
    const token = await issuer.sign({ sub: 'judy' });
    const client = await open(streamUrl(`?responseId=${ref.responseId}&afterSeq=1&access_token=${token}`));
    expect(client.status).toBe(200);
    await waitFor(() => client.frames().find((frame) => frame.type === 'resumed'));
    expect(client.frames().filter((frame) => frame.type === 'entries').flatMap((frame) => frame.entries!).map((entry) => entry.seq)).toEqual([2]);
  });

  it('refuses a missing or forged token, a malformed Last-Event-ID and unknown query fields', async () => {
    expect((await open(streamUrl())).status).toBe(401);
    const forger = await createTestIssuer({ kid: issuer.kid });
    expect((await open(streamUrl(`?access_token=${await forger.sign({ sub: 'judy' })}`))).status).toBe(401);
    const authorization = `Bearer ${await issuer.sign({ sub: 'judy' })}`;
    expect((await open(streamUrl(), { authorization, 'last-event-id': 'no-seq' })).status).toBe(400);
    expect((await open(streamUrl('?afterSeq=-1'), { authorization })).status).toBe(400);
  });

  it('sends heartbeat comments on SSE', async () => {
    const client = await open(streamUrl(), { authorization: `Bearer ${await issuer.sign({ sub: 'ken' })}` });
    await waitFor(() => (client.comments.length >= 2) || undefined);
  });

  it('terminates a WebSocket peer that stops answering pings', async () => {
    const token = await issuer.sign({ sub: 'leo' });
    const ws = new WebSocket(wsUrl(platform.url), ['versaai.v1', `versaai.bearer.${token}`], { autoPong: false });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    let pings = 0;
    ws.on('ping', () => { pings += 1; });
    // 1006: the server dropped the connection without a close frame.
    expect(await closed).toBe(1006);
    expect(pings).toBeGreaterThanOrEqual(1);
  });

  it('delivers chat notifications to all of the user\'s devices, on WebSocket and SSE alike', async () => {
    const token = await issuer.sign({ sub: 'mia' });
    const socket = await connectStream(wsUrl(platform.url), token);
    const events = await open(streamUrl(), { authorization: `Bearer ${token}` });
    const other = await connectStream(wsUrl(platform.url), await issuer.sign({ sub: 'nick' }));
    await waitFor(() => events.frames().find((frame) => frame.type === 'ready'));
    const { context } = platform.services.get('chat')!;
    const notifier = createChatNotifier(context);
    notifier.notify('mia', { type: 'conversation.updated', conversationId: 'c1', title: 'Trip' });
    const expected = { type: 'conversation.updated', conversationId: 'c1', title: 'Trip' };
    expect(await socket.next((frame) => frame.type === 'conversation.updated')).toEqual(expected);
    expect(await waitFor(() => events.frames().find((frame) => frame.type === 'conversation.updated'))).toEqual(expected);
    other.send({ type: 'ping' });
    await other.next((frame) => frame.type === 'pong');
    expect(other.frames.some((frame) => frame.type === 'conversation.updated')).toBe(false);
    await socket.close();
    await other.close();
  });

  it('closes WebSockets with 1001 and ends SSE streams on shutdown, without waiting for the deadline', async () => {
    const short = await startChatAlone();
    const token = await short.issuer.sign({ sub: 'omar' });
    const socket = await connectStream(wsUrl(short.url), token);
    const events = await open(`${short.url}/api/chat/stream/sse`, { authorization: `Bearer ${token}` });
    await waitFor(() => events.frames().find((frame) => frame.type === 'ready'));
    await short.stop();
    expect(await socket.closed).toMatchObject({ code: 1001 });
  });
});
