import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A minimal WebSocket client for the broadcast bench: the RFC 6455 opening handshake (with the
 * subprotocols and the Sec-WebSocket-Accept check), then a frame reader that hands each text
 * frame's bytes to `onText` and answers pings. Ten thousand of them run in the bench process on
 * the cores the server uses, so they must cost little: reads land in one shared buffer
 * (`onread`, no Buffer per read, no stream machinery), there is no UTF-8 decoding, no message
 * event, no per-frame allocation unless a frame is split across reads.
 * Not a general client: no fragmentation, no extensions, server frames only (unmasked).
 */
export interface LeanSocket {
  /** Resolves once the server answered 101 with the right accept key and a protocol we offered. */
  opened: Promise<void>;
  /** Resolves when the connection is gone (closed by either side or failed). */
  closed: Promise<{ code: number }>;
  destroy(): void;
}

export interface LeanSocketOptions {
  url: string;
  protocols: string[];
  /** Called with the shared read buffer and the bounds of one text frame's payload; valid only during the call. */
  onText(buffer: Buffer, start: number, end: number): void;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OPCODE_TEXT = 0x1;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;
/** Every socket reads into this one buffer: callbacks run one at a time and consume it before returning. */
const sharedReadBuffer = Buffer.allocUnsafe(256 * 1024);
const HEADER_END = Buffer.from('\r\n\r\n');

export function openLeanSocket(opts: LeanSocketOptions): LeanSocket {
  const url = new URL(opts.url);
  const key = randomBytes(16).toString('base64');
  const expectedAccept = createHash('sha1').update(key + GUID).digest('base64');
  let upgraded = false;
  /** Bytes of an incomplete handshake answer or frame, kept until the next read completes it. */
  let pending: Buffer | undefined;
  let closeCode = 1006;
  let resolveOpened!: () => void;
  let rejectOpened!: (error: Error) => void;
  const opened = new Promise<void>((resolve, reject) => {
    resolveOpened = resolve;
    rejectOpened = reject;
  });

  const socket: Socket = connect({
    host: url.hostname,
    port: Number(url.port),
    noDelay: true,
    onread: {
      buffer: sharedReadBuffer,
      callback(bytes) {
        if (pending) {
          // Rare (a frame split across reads): join the rest to what was kept.
          const joined = Buffer.concat([pending, sharedReadBuffer.subarray(0, bytes)]);
          pending = undefined;
          consume(joined, 0, joined.length);
        } else {
          consume(sharedReadBuffer, 0, bytes);
        }
        return true;
      },
    },
  });
  socket.once('connect', () => {
    socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
      + `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${opts.protocols.length > 0 ? `Sec-WebSocket-Protocol: ${opts.protocols.join(', ')}\r\n` : ''}\r\n`);
  });
  socket.on('error', (error) => rejectOpened(error));
  const closed = new Promise<{ code: number }>((resolve) => {
    socket.once('close', () => {
      rejectOpened(new Error(`closed before the handshake ended (code ${closeCode})`));
      resolve({ code: closeCode });
    });
  });

  function consume(buffer: Buffer, start: number, end: number): void {
    let offset = start;
    if (!upgraded) {
      const headerEnd = buffer.subarray(offset, end).indexOf(HEADER_END);
      if (headerEnd < 0) {
        keep(buffer, offset, end);
        return;
      }
      const failure = handshakeFailure(buffer.toString('latin1', offset, offset + headerEnd));
      if (failure) {
        rejectOpened(new Error(failure));
        socket.destroy();
        return;
      }
      upgraded = true;
      resolveOpened();
      offset += headerEnd + HEADER_END.length;
    }
    while (offset < end) {
      const frameEnd = readFrame(buffer, offset, end);
      if (frameEnd < 0) break;
      offset = frameEnd;
    }
    if (offset < end) keep(buffer, offset, end);
  }

  /** Handles the frame at `offset`; returns where the next one starts, or -1 if it is not complete yet. */
  function readFrame(buffer: Buffer, offset: number, end: number): number {
    if (end - offset < 2) return -1;
    const opcode = buffer[offset]! & 0x0f;
    const second = buffer[offset + 1]!;
    if (second & 0x80) throw new Error('a server frame must not be masked');
    let length = second & 0x7f;
    let headerLength = 2;
    if (length === 126) {
      if (end - offset < 4) return -1;
      length = buffer.readUInt16BE(offset + 2);
      headerLength = 4;
    } else if (length === 127) {
      if (end - offset < 10) return -1;
      length = Number(buffer.readBigUInt64BE(offset + 2));
      headerLength = 10;
    }
    const payloadStart = offset + headerLength;
    const frameEnd = payloadStart + length;
    if (frameEnd > end) return -1;
    if (opcode === OPCODE_TEXT) {
      opts.onText(buffer, payloadStart, frameEnd);
    } else if (opcode === OPCODE_PING) {
      // Heartbeats: a pong with the ping's payload, masked as a client must (a zero key leaves it as is).
      socket.write(Buffer.concat([Buffer.from([0x80 | OPCODE_PONG, 0x80 | length, 0, 0, 0, 0]), buffer.subarray(payloadStart, frameEnd)]));
    } else if (opcode === OPCODE_CLOSE) {
      closeCode = length >= 2 ? buffer.readUInt16BE(payloadStart) : 1005;
      socket.destroy();
    }
    return frameEnd;
  }

  function keep(buffer: Buffer, start: number, end: number): void {
    // The shared buffer is overwritten by the next read of any socket: copy.
    pending = Buffer.from(buffer.subarray(start, end));
  }

  function handshakeFailure(head: string): string | undefined {
    const [statusLine = '', ...lines] = head.split('\r\n');
    const status = /^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1];
    if (status !== '101') return `HTTP ${status ?? '?'}`;
    const headers = new Map(lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as const;
    }));
    if (headers.get('sec-websocket-accept') !== expectedAccept) return 'wrong Sec-WebSocket-Accept';
    const protocol = headers.get('sec-websocket-protocol');
    if (opts.protocols.length > 0 && (protocol === undefined || !opts.protocols.includes(protocol))) return `unexpected subprotocol ${protocol}`;
    return undefined;
  }

  return { opened, closed, destroy: () => socket.destroy() };
}
