import { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/**
 * A text frame as a server puts it on the wire (RFC 6455 §5.2: FIN, opcode 1, no mask), built
 * once and written as is to every socket that receives it. `payload` is the UTF-8 text alone,
 * for the sockets that go through ws's own sender.
 */
export interface TextFrame {
  wire: Buffer;
  payload: Buffer;
}

export function textFrameOf(text: string): TextFrame {
  const length = Buffer.byteLength(text);
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const wire = Buffer.allocUnsafe(headerLength + length);
  wire[0] = 0x81;
  if (headerLength === 2) {
    wire[1] = length;
  } else if (headerLength === 4) {
    wire[1] = 126;
    wire.writeUInt16BE(length, 2);
  } else {
    wire[1] = 127;
    wire.writeBigUInt64BE(BigInt(length), 2);
  }
  wire.write(text, headerLength);
  return { wire, payload: wire.subarray(headerLength) };
}

/**
 * The frame of a run of sends of the same text, built once: an append is one string sent to
 * each of its user's sockets in turn. Equal strings are equal bytes, so the cache is right
 * whoever sends.
 */
export function repeatedTextFrames(): (text: string) => TextFrame {
  let lastText: string | undefined;
  let lastFrame: TextFrame | undefined;
  return (text) => {
    if (text !== lastText || !lastFrame) {
      lastFrame = textFrameOf(text);
      lastText = text;
    }
    return lastFrame;
  };
}

/** The parts of ws 8's WebSocket and Sender this relies on (checked before use: see below). */
interface SenderState {
  _state: number;
  _queue: unknown[];
  _firstFragment: boolean;
  _bufferedBytes: number;
}
interface WebSocketInternals {
  _socket: unknown;
  _sender: unknown;
}

/** ws's Sender state while it writes each frame at once (not compressing, not reading a Blob). */
const SENDER_IDLE = 0;

const TEXT = { binary: false } as const;

export interface TextFrameWriter {
  /** Bytes queued for the client and not yet handed to the kernel: ws's `bufferedAmount`. */
  bufferedAmount(): number;
  write(frame: TextFrame): void;
}

/**
 * Sends text frames to one open WebSocket. ws would frame the same bytes again for each socket
 * and hand them to the TCP socket as two writes (header, payload: one writev); with a frame
 * built once, one write of the ready bytes does. Writing beside ws is right only while ws
 * itself would write at once and unchanged: no extension negotiated (permessage-deflate would
 * compress), its sender idle (nothing queued behind a compression or a Blob read, no
 * fragmented message open), so the bytes land in the TCP socket in call order after whatever
 * ws wrote before (pings, earlier frames). `bufferedAmount` stays exact, computed as ws does:
 * the TCP socket's own buffer plus what ws's sender holds. Should ws's internals ever differ
 * from what this expects (a new major version), every frame goes through `ws.send` instead.
 */
export function textFrameWriter(ws: WebSocket): TextFrameWriter {
  const direct = directPathOf(ws);
  if (!direct) {
    return { bufferedAmount: () => ws.bufferedAmount, write: (frame) => ws.send(frame.payload, TEXT) };
  }
  const { socket, sender } = direct;
  return {
    bufferedAmount: () => socket.writableLength + sender._bufferedBytes,
    write(frame) {
      if (sender._state === SENDER_IDLE && sender._queue.length === 0 && sender._firstFragment) socket.write(frame.wire);
      else ws.send(frame.payload, TEXT);
    },
  };
}

/** Whether frames to `ws` can be written directly (also for the test that pins ws's internals). */
export function writesDirectly(ws: WebSocket): boolean {
  return directPathOf(ws) !== undefined;
}

function directPathOf(ws: WebSocket): { socket: Socket; sender: SenderState } | undefined {
  const { _socket: socket, _sender: sender } = ws as unknown as WebSocketInternals;
  if (ws.extensions !== '' || !(socket instanceof Socket) || !isSenderState(sender)) return undefined;
  return { socket, sender };
}

function isSenderState(sender: unknown): sender is SenderState {
  const candidate = sender as Partial<SenderState> | undefined;
  return typeof candidate?._state === 'number' && Array.isArray(candidate._queue)
    && typeof candidate._firstFragment === 'boolean' && typeof candidate._bufferedBytes === 'number';
}
