import WebSocket from 'ws';
import { STREAM_BEARER_PROTOCOL_PREFIX, STREAM_PROTOCOL } from '@versaai/identity';
import type { ResponseStreamEvent } from '@versaai/storage';
import { waitFor } from '@versaai/testing';

export interface Frame {
  type: string;
  responseId?: string;
  entries?: { seq: number; event: ResponseStreamEvent }[];
  [key: string]: unknown;
}

/** A WebSocket client of the realtime protocol that records every frame it receives. */
export interface StreamClient {
  ws: WebSocket;
  frames: Frame[];
  /** Frames that came as binary: a browser would get a Blob, which the web client does not read. */
  binaryFrames(): number;
  closed: Promise<{ code: number; reason: string }>;
  /** Waits for a frame that satisfies `match` among those received after index `from`. */
  next(match: (frame: Frame) => boolean, from?: number): Promise<Frame>;
  send(frame: unknown): void;
  /** Entries of one response in the order received (seq and text of deltas). */
  entriesOf(responseId: string, from?: number): { seq: number; event: ResponseStreamEvent }[];
  close(): Promise<void>;
}

export function wsUrl(baseUrl: string, path = '/api/chat/stream/ws'): string {
  return baseUrl.replace(/^http/, 'ws') + path;
}

/** Opens a socket with the token as subprotocol, as a browser would; resolves once `ready` arrived. */
export async function connectStream(url: string, token: string | undefined, opts: { waitReady?: boolean } = {}): Promise<StreamClient> {
  const protocols = token ? [STREAM_PROTOCOL, `${STREAM_BEARER_PROTOCOL_PREFIX}${token}`] : [STREAM_PROTOCOL];
  const ws = new WebSocket(url, protocols);
  const frames: Frame[] = [];
  let binary = 0;
  ws.on('message', (data, isBinary) => {
    if (isBinary) binary += 1;
    frames.push(JSON.parse(data.toString()) as Frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_request, response) => reject(Object.assign(new Error(`HTTP ${response.statusCode}`), { status: response.statusCode })));
  });
  const client: StreamClient = {
    ws,
    frames,
    binaryFrames: () => binary,
    closed,
    async next(match, from = 0) {
      return waitFor(() => frames.slice(from).find(match));
    },
    send(frame) {
      ws.send(JSON.stringify(frame));
    },
    entriesOf(responseId, from = 0) {
      return frames.slice(from).filter((frame) => frame.type === 'entries' && frame.responseId === responseId).flatMap((frame) => frame.entries!);
    },
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      await closed;
    },
  };
  if (opts.waitReady !== false) await client.next((frame) => frame.type === 'ready');
  return client;
}

/** The HTTP status a refused upgrade got, or 101 if the socket opened. */
export async function upgradeStatus(url: string, protocols: string[], headers: Record<string, string> = {}): Promise<number> {
  const ws = new WebSocket(url, protocols, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (error) => {
      if (ws.readyState !== WebSocket.CLOSED) reject(error);
    });
  });
}

export function textOf(entries: { event: ResponseStreamEvent }[]): string {
  return entries.map(({ event }) => (event.type === 'delta' ? event.text : '')).join('');
}
