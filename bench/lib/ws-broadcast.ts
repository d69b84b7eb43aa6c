import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { openLeanSocket, type LeanSocket } from './lean-ws-client.ts';
import { nowMs } from './stats.ts';

/** Resident set size of a process in bytes, from /proc/<pid>/status. */
export function rssBytesOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

class ClosedEarly extends Error {}

export interface BroadcastClients {
  count: number;
  /** Sockets the server closed before `ready` and that were opened again. */
  retried(): number;
  /** Resolves when every socket has received `expected` more entries frames; latencies are ms since `startedAt`. */
  awaitRound(startedAt: number, timeoutMs: number): Promise<{ latencies: number[]; missing: number }>;
  close(): Promise<void>;
}

/** `lean`: the bench's minimal client (lean-ws-client.ts); `ws`: the `ws` package's client. */
export type ClientKind = 'lean' | 'ws';

/**
 * Opens `count` sockets (`socketUrl(i)` and `protocols(i)` for socket i), `parallel` at a time,
 * each resolved when its server says `ready` (its subscription is live). Every later `entries`
 * frame counts as one delivery of the current round.
 */
export function openClients(kind: ClientKind, count: number, socketUrl: (index: number) => string, protocols: (index: number) => string[], parallel = 100): Promise<BroadcastClients> {
  return kind === 'lean' ? openLeanClients(count, socketUrl, protocols, parallel) : openWsClients(count, socketUrl, protocols, parallel);
}

interface Round { startedAt: number; latencies: number[]; done: () => void }

/** What both kinds share: opening in batches with retries, and waiting for a round. */
function clientPool(count: number, parallel: number, openAttempt: (index: number) => Promise<void>) {
  const stages = { upgraded: 0, ready: 0, retried: 0 };
  const state: { round: Round | undefined } = { round: undefined };
  // A socket the server closes before `ready` (it could not subscribe: 1011) is opened again, as a client would.
  const openOne = async (index: number, attempt = 1): Promise<void> => {
    try {
      await openAttempt(index);
    } catch (error) {
      if (attempt >= 3 || !(error instanceof ClosedEarly)) throw error;
      stages.retried += 1;
      console.error(`[bench] socket ${index} closed before ready (${error.message}); opening it again`);
      await openOne(index, attempt + 1);
    }
  };
  return {
    stages,
    state,
    /** One delivery of the current round (a frame that is not a round's, like ready or pong, is not passed here). */
    delivered() {
      const round = state.round;
      if (!round) return;
      round.latencies.push(nowMs() - round.startedAt);
      if (round.latencies.length === count) round.done();
    },
    async openAll() {
      for (let start = 0; start < count; start += parallel) {
        const stuck = setTimeout(() => console.error(`[bench] batch at ${start} not ready after 30 s: ${stages.upgraded} upgraded, ${stages.ready} ready so far`), 30_000);
        await Promise.all(Array.from({ length: Math.min(parallel, count - start) }, (_, offset) => openOne(start + offset)));
        clearTimeout(stuck);
      }
    },
    async awaitRound(startedAt: number, timeoutMs: number) {
      const latencies: number[] = [];
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        state.round = { startedAt, latencies, done: () => { clearTimeout(timer); resolve(); } };
      });
      state.round = undefined;
      return { latencies, missing: count - latencies.length };
    },
    /** The opened clients as the bench sees them; `close` ends every socket. */
    clients(close: () => Promise<void>): BroadcastClients {
      return { count, retried: () => stages.retried, awaitRound: this.awaitRound, close };
    },
  };
}

const ENTRIES_PREFIX = Buffer.from('{"type":"entries');

async function openLeanClients(count: number, socketUrl: (index: number) => string, protocols: (index: number) => string[], parallel: number): Promise<BroadcastClients> {
  const sockets: LeanSocket[] = [];
  const pool = clientPool(count, parallel, (index) => new Promise<void>((resolve, reject) => {
    let ready = false;
    const socket = openLeanSocket({
      url: socketUrl(index),
      protocols: protocols(index),
      onText(buffer, start, end) {
        if (ready) {
          // Only the round's frames: pong and other frames are not deliveries.
          if (end - start >= ENTRIES_PREFIX.length && buffer.compare(ENTRIES_PREFIX, 0, ENTRIES_PREFIX.length, start, start + ENTRIES_PREFIX.length) === 0) pool.delivered();
        } else if (buffer.toString('utf8', start, end).includes('"ready"')) {
          ready = true;
          pool.stages.ready += 1;
          sockets.push(socket);
          resolve();
        }
      },
    });
    socket.opened.then(() => { pool.stages.upgraded += 1; }, (error: Error) => reject(error.message.startsWith('HTTP') ? new Error(`socket ${index}: ${error.message}`) : error));
    void socket.closed.then(({ code }) => reject(new ClosedEarly(`close ${code}`)));
  }));
  await pool.openAll();
  return pool.clients(async () => {
    await Promise.all(sockets.map((socket) => {
      socket.destroy();
      return socket.closed;
    }));
  });
}

async function openWsClients(count: number, socketUrl: (index: number) => string, protocols: (index: number) => string[], parallel: number): Promise<BroadcastClients> {
  const sockets: WebSocket[] = [];
  const onMessage = (data: WebSocket.RawData) => {
    // Only the round's frames: the server's ready and pong frames are not deliveries.
    if (data.toString('utf8', 0, 16).startsWith('{"type":"entries')) pool.delivered();
  };
  const pool = clientPool(count, parallel, (index) => new Promise<void>((resolve, reject) => {
    const socket = new WebSocket(socketUrl(index), protocols(index), { perMessageDeflate: false });
    socket.once('open', () => { pool.stages.upgraded += 1; });
    socket.once('close', (code, reason) => reject(new ClosedEarly(`close ${code} ${reason.toString()}`)));
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => reject(new Error(`socket ${index}: HTTP ${response.statusCode}`)));
    socket.on('message', (data) => {
      if (data.toString().includes('"ready"')) {
        pool.stages.ready += 1;
        sockets.push(socket);
        socket.on('message', onMessage);
        resolve();
      }
    });
  }));
  await pool.openAll();
  return pool.clients(async () => {
    await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => {
      if (socket.readyState === WebSocket.CLOSED) return resolve();
      socket.once('close', () => resolve());
      socket.terminate();
    })));
  });
}
