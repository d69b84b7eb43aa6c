import { randomUUID } from 'node:crypto';
import { connect as connectTcp } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPlatform } from '@versaai/runtime';
import type { ResponseRef, ResponseStreamStore } from '@versaai/storage';
import { createTestIssuer, waitFor, type TestIssuer } from '@versaai/testing';
import { startChatAlone, type ChatAlone } from './chat-alone.ts';
import { connectStream, textOf, upgradeStatus, wsUrl, type StreamClient } from './realtime-harness.ts';

// The chat service alone in its process (as in distributed): it verifies every token itself.
describe('chat realtime over WebSocket', () => {
  let chat: ChatAlone;
  let issuer: TestIssuer;
  let platform: RunningPlatform;
  let streams: ResponseStreamStore;
  let url: string;
  const open: StreamClient[] = [];

  const connect = async (userId: string) => {
    const client = await connectStream(url, await issuer.sign({ sub: userId }));
    open.push(client);
    return client;
  };
  const newResponse = (userId: string): ResponseRef => ({ responseId: randomUUID(), conversationId: randomUUID(), userId });
  const deltas = (...texts: string[]) => texts.map((text) => ({ type: 'delta' as const, text }));

  beforeAll(async () => {
    chat = await startChatAlone({ CHAT_STREAM_MAX_BUFFERED_BYTES: String(64 * 1024), CHAT_STREAM_HEARTBEAT_MS: '60s' });
    ({ issuer, platform, streams } = chat);
    url = wsUrl(platform.url);
  });

  afterAll(async () => {
    await Promise.all(open.map((client) => client.close()));
    await chat?.stop();
  });

  it('delivers a user\'s deltas to every one of their sockets and to nobody else', async () => {
    const [laptop, phone, stranger] = [await connect('alice'), await connect('alice'), await connect('bob')];
    const ref = newResponse('alice');
    await streams.append(ref, [{ type: 'status', status: 'streaming', model: 'm', provider: 'p' }]);
    await streams.append(ref, deltas('Hel', 'lo'));
    await streams.append(ref, [{ type: 'end', status: 'completed', finishReason: 'stop' }]);
    for (const device of [laptop, phone]) {
      await device.next((frame) => frame.type === 'entries' && frame.entries!.some((entry) => entry.event.type === 'end'));
      expect(device.entriesOf(ref.responseId).map((entry) => entry.seq)).toEqual([1, 2, 3, 4]);
      expect(textOf(device.entriesOf(ref.responseId))).toBe('Hello');
      expect(device.frames.find((frame) => frame.type === 'entries')).toMatchObject({ conversationId: ref.conversationId });
      expect(device.binaryFrames()).toBe(0);
    }
    // Bob's socket is live (answers a ping) and saw nothing of Alice's.
    stranger.send({ type: 'ping' });
    await stranger.next((frame) => frame.type === 'pong');
    expect(stranger.entriesOf(ref.responseId)).toEqual([]);
  });

  it('resumes mid-stream with an offset: no gap and no duplicate while appends continue', async () => {
    const ref = newResponse('carol');
    const texts = Array.from({ length: 60 }, (_, index) => `t${index} `);
    await streams.append(ref, deltas(...texts.slice(0, 20)));
    const client = await connect('carol');
    const from = client.frames.length;
    client.send({ type: 'resume', responseId: ref.responseId, afterSeq: 7 });
    // Appends race the resume's read of the store.
    for (const text of texts.slice(20)) await streams.append(ref, deltas(text));
    await streams.append(ref, [{ type: 'end', status: 'completed' }]);
    await client.next((frame) => frame.type === 'resumed', from);
    await waitFor(() => client.entriesOf(ref.responseId, from).some((entry) => entry.event.type === 'end') || undefined);
    // Everything after the resume's first entry is contiguous from seq 8.
    const afterResume = client.entriesOf(ref.responseId, from);
    const start = afterResume.findIndex((entry) => entry.seq === 8);
    const resumed = afterResume.slice(start);
    expect(resumed.map((entry) => entry.seq)).toEqual(Array.from({ length: 54 }, (_, index) => index + 8));
    expect(textOf(resumed)).toBe(texts.slice(7).join(''));
  });

  it('resumes after the response ended, from any offset', async () => {
    const ref = newResponse('dave');
    await streams.append(ref, [...deltas('a', 'b', 'c'), { type: 'end', status: 'completed' }]);
    const client = await connect('dave');
    client.send({ type: 'resume', responseId: ref.responseId, afterSeq: 1 });
    const resumed = await client.next((frame) => frame.type === 'resumed');
    expect(resumed).toMatchObject({ afterSeq: 1, lastSeq: 4, conversationId: ref.conversationId });
    expect(client.entriesOf(ref.responseId).map((entry) => entry.seq)).toEqual([2, 3, 4]);
    expect(textOf(client.entriesOf(ref.responseId))).toBe('bc');
  });

  it('answers a resume of another user\'s response like an unknown one, leaking nothing', async () => {
    const ref = newResponse('erin');
    await streams.append(ref, deltas('secret'));
    const mallory = await connect('mallory');
    mallory.send({ type: 'resume', responseId: ref.responseId, afterSeq: 0 });
    const refused = await mallory.next((frame) => frame.type === 'error');
    mallory.send({ type: 'resume', responseId: randomUUID(), afterSeq: 0 });
    const unknown = await mallory.next((frame) => frame.type === 'error' && frame !== refused);
    expect(refused).toMatchObject({ code: 'STREAM_NOT_FOUND', responseId: ref.responseId });
    expect({ ...unknown, responseId: undefined }).toEqual({ ...refused, responseId: undefined });
    expect(JSON.stringify(mallory.frames)).not.toContain('secret');
  });

  it('answers malformed frames with an error and keeps the socket', async () => {
    const client = await connect('frank');
    client.ws.send('not json');
    client.send({ type: 'resume', responseId: 'x', afterSeq: -1 });
    await waitFor(() => (client.frames.filter((frame) => frame.code === 'VALIDATION_FAILED').length === 2) || undefined);
    client.send({ type: 'ping' });
    await client.next((frame) => frame.type === 'pong');
  });

  it('refuses the upgrade without a token, with a forged one, an expired one or a raw API key', async () => {
    expect(await upgradeStatus(url, ['versaai.v1'])).toBe(401);
    const forger = await createTestIssuer({ kid: issuer.kid });
    expect(await upgradeStatus(url, ['versaai.v1', `versaai.bearer.${await forger.sign({ sub: 'alice' })}`])).toBe(401);
    const expired = await issuer.sign({ sub: 'alice', issuedAt: Math.floor(Date.now() / 1000) - 3_600 });
    expect(await upgradeStatus(url, ['versaai.v1', `versaai.bearer.${expired}`])).toBe(401);
    expect(await upgradeStatus(url, ['versaai.v1', 'versaai.bearer.vak_0123456789abcdef0123456789abcdef'])).toBe(401);
    // A header token works too (non-browser clients), and the selected protocol is never the token.
    const token = await issuer.sign({ sub: 'alice' });
    expect(await upgradeStatus(url, ['versaai.v1'], { authorization: `Bearer ${token}` })).toBe(101);
    const client = await connect('alice');
    expect(client.ws.protocol).toBe('versaai.v1');
  });

  it('closes the socket with 4001 when its token expires', async () => {
    // Two seconds: issuedAt is whole seconds, so a one-second token may already be expired when it arrives.
    const token = await issuer.sign({ sub: 'grace', expiresInSeconds: 2 });
    const client = await connectStream(url, token);
    open.push(client);
    expect(await client.closed).toMatchObject({ code: 4001 });
  });

  it('drops a client that stops reading once its buffer passes the limit, instead of growing memory', async () => {
    const ref = newResponse('heidi');
    const slow = await connect('heidi');
    const reader = await connect('heidi');
    slow.ws.pause();
    const chunk = 'x'.repeat(4 * 1024);
    const appended = 4_000;
    // Appended at the pace of the device that reads, so only the paused one falls behind.
    for (let index = 0; index < appended; index += 20) {
      const [last] = (await streams.append(ref, deltas(...Array.from({ length: 20 }, () => chunk)))).slice(-1);
      await waitFor(() => reader.frames.findLast((frame) => frame.type === 'entries')?.entries!.some((entry) => entry.seq === last!.seq) || undefined);
    }
    await streams.append(ref, [{ type: 'end', status: 'completed' }]);
    // The reading device got everything; the paused one is closed with 4008 once it reads again.
    await reader.next((frame) => frame.type === 'entries' && frame.entries!.some((entry) => entry.event.type === 'end'));
    expect(reader.entriesOf(ref.responseId)).toHaveLength(appended + 1);
    slow.ws.resume();
    expect(await slow.closed).toMatchObject({ code: 4008 });
    // What was queued for it stayed near the 64 KiB limit plus the kernel's socket buffers: a fraction of the 16 MB appended.
    expect(slow.entriesOf(ref.responseId).length).toBeLessThan(appended / 2);
    const metrics = await (await fetch(`${platform.url}/metrics`)).text();
    expect(metrics).toMatch(/versaai_chat_stream_drops_total\{transport="websocket",reason="slow_consumer"\} 1\b/);
    expect(metrics).toMatch(/versaai_chat_stream_connections\{transport="websocket"\} [1-9]/);
  });

  it('ends a stray upgrade (to a route that is not a WebSocket) once it has been answered and left idle', async () => {
    const socket = connectTcp(Number(new URL(platform.url).port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => { answer += chunk.toString(); });
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
  });
});
