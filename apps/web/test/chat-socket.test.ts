import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatSocket, chatSocketUrl } from '../src/realtime/chat-socket.ts';
import type { ServerFrame } from '../src/api/contracts.ts';

/** Stands in for the browser's WebSocket: records how it was opened and lets the test drive it. */
class FakeSocket {
  static readonly OPEN = 1;
  readyState = FakeSocket.OPEN;
  sent: string[] = [];
  onmessage: ((message: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(readonly url: string, readonly protocols: string[]) {}
  send(data: string) { this.sent.push(data); }
  close() { this.readyState = 3; }
  receive(frame: unknown) { this.onmessage?.({ data: JSON.stringify(frame) }); }
  drop(code: number) { this.readyState = 3; this.onclose?.({ code }); }
}

describe('ChatSocket', () => {
  let sockets: FakeSocket[];
  const createSocket = (url: string, protocols: string[]) => {
    const socket = new FakeSocket(url, protocols);
    sockets.push(socket);
    return socket as unknown as WebSocket;
  };

  beforeEach(() => {
    sockets = [];
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('builds the socket URL of this origin', () => {
    expect(chatSocketUrl({ protocol: 'https:', host: 'chat.example.com' })).toBe('wss://chat.example.com/api/chat/stream/ws');
    expect(chatSocketUrl({ protocol: 'http:', host: 'localhost:8080' })).toBe('ws://localhost:8080/api/chat/stream/ws');
  });

  it('offers versaai.v1 and the token as a subprotocol, and hands frames on; ready triggers the resume hook', async () => {
    const frames: ServerFrame[] = [];
    const onReady = vi.fn();
    const socket = new ChatSocket({ token: async () => 't1', onFrame: (frame) => frames.push(frame), onReady, url: 'ws://x/ws', createSocket });
    socket.start();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    expect(sockets[0]!.protocols).toEqual(['versaai.v1', 'versaai.bearer.t1']);
    sockets[0]!.receive({ type: 'ready', heartbeatMs: 30000 });
    sockets[0]!.receive({ type: 'pong' });
    expect(onReady).toHaveBeenCalledTimes(1);
    expect(frames.map((frame) => frame.type)).toEqual(['ready', 'pong']);
    socket.send({ type: 'resume', responseId: 'r1', afterSeq: 3 });
    expect(JSON.parse(sockets[0]!.sent[0]!)).toEqual({ type: 'resume', responseId: 'r1', afterSeq: 3 });
    socket.stop();
  });

  it('reconnects at once with a renewed token after close 4001 (token expired), later with back-off otherwise', async () => {
    const renewals: boolean[] = [];
    const socket = new ChatSocket({
      token: async (renew) => {
        renewals.push(renew);
        return renew ? 'fresh' : 't1';
      },
      onFrame: () => {}, url: 'ws://x/ws', createSocket,
    });
    socket.start();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    sockets[0]!.receive({ type: 'ready', heartbeatMs: 30000 });
    sockets[0]!.drop(4001);
    await vi.advanceTimersByTimeAsync(0);
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    expect(sockets[1]!.protocols).toContain('versaai.bearer.fresh');

    sockets[1]!.receive({ type: 'ready', heartbeatMs: 30000 });
    sockets[1]!.drop(1006);
    await vi.advanceTimersByTimeAsync(100);
    expect(sockets).toHaveLength(2); // waits before trying again
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.waitFor(() => expect(sockets).toHaveLength(3));
    expect(renewals).toEqual([false, true, false]);
    socket.stop();
  });

  it('stops for good when there is no session any more, and after stop()', async () => {
    let token: string | null = 't1';
    const socket = new ChatSocket({ token: async () => token, onFrame: () => {}, url: 'ws://x/ws', createSocket });
    socket.start();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    token = null;
    sockets[0]!.drop(4001);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
    socket.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
  });
});
