import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import * as wsModule from 'ws';
import WebSocket, { WebSocketServer } from 'ws';
import { waitFor } from '@versaai/testing';
import { textFrameOf, textFrameWriter, writesDirectly } from '../src/realtime/text-frame-writer.ts';

/** ws's own framing, to compare with (not in @types/ws). */
const wsSender = (wsModule as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } }).Sender;

describe('text frames written directly to a WebSocket', () => {
  const servers: WebSocketServer[] = [];
  const clients: WebSocket[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.terminate();
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /** A ws server and one client; resolves with the server's side of the socket and what the client receives. */
  async function connectedPair(perMessageDeflate: boolean) {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate });
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, { perMessageDeflate });
    clients.push(client);
    const received: { text: string; binary: boolean }[] = [];
    client.on('message', (data, isBinary) => received.push({ text: data.toString(), binary: isBinary }));
    await new Promise((resolve) => client.once('open', resolve));
    return { serverSide: await accepted, received };
  }

  it('frames text as ws does, whatever its length (7-bit, 16-bit and 64-bit lengths, multi-byte UTF-8)', () => {
    for (const text of ['', 'a', 'x'.repeat(125), 'x'.repeat(126), 'é'.repeat(40_000), 'x'.repeat(65_535), 'x'.repeat(65_536), '{"type":"entries","€":"😀"}']) {
      const expected = Buffer.concat(wsSender.frame(Buffer.from(text), { fin: true, opcode: 1, mask: false, readOnly: true, rsv1: false }));
      const frame = textFrameOf(text);
      expect(frame.wire.equals(expected)).toBe(true);
      expect(frame.payload.toString()).toBe(text);
    }
  });

  it('writes to the TCP socket directly with this version of ws, in order with what ws itself sends', async () => {
    const { serverSide, received } = await connectedPair(false);
    // Pins the ws internals the direct path reads: a ws upgrade that changes them fails here, not silently.
    expect(writesDirectly(serverSide)).toBe(true);
    const writer = textFrameWriter(serverSide);
    writer.write(textFrameOf('one'));
    serverSide.send('two');
    serverSide.ping();
    writer.write(textFrameOf('three'));
    expect(writer.bufferedAmount()).toBe(serverSide.bufferedAmount);
    await waitFor(() => received.length === 3 || undefined);
    expect(received).toEqual([{ text: 'one', binary: false }, { text: 'two', binary: false }, { text: 'three', binary: false }]);
  });

  it('leaves every frame to ws when an extension was negotiated (permessage-deflate compresses)', async () => {
    const { serverSide, received } = await connectedPair(true);
    expect(serverSide.extensions).toContain('permessage-deflate');
    expect(writesDirectly(serverSide)).toBe(false);
    const writer = textFrameWriter(serverSide);
    const long = 'compressible '.repeat(200);
    writer.write(textFrameOf(long));
    writer.write(textFrameOf('after'));
    await waitFor(() => received.length === 2 || undefined);
    expect(received).toEqual([{ text: long, binary: false }, { text: 'after', binary: false }]);
  });
});
