import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
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

/**
 * Opens `count` sockets (`socketUrl(i)` and `protocols(i)` for socket i), `parallel` at a time,
 * each resolved when its server says `ready` (its subscription is live). Every later text frame
 * counts as one delivery of the current round.
 */
export async function openClients(count: number, socketUrl: (index: number) => string, protocols: (index: number) => string[], parallel = 100): Promise<BroadcastClients> {
  const sockets: WebSocket[] = [];
  let round: { startedAt: number; latencies: number[]; done: () => void } | undefined;
  const onMessage = (data: WebSocket.RawData) => {
    if (!round) return;
    // Only the round's frames: the server's ready and pong frames are not deliveries.
    if (data.toString('utf8', 0, 16).startsWith('{"type":"entries')) {
      round.latencies.push(nowMs() - round.startedAt);
      if (round.latencies.length === count) round.done();
    }
  };
  const stages = { upgraded: 0, ready: 0, retried: 0 };
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
  const openAttempt = (index: number) => new Promise<void>((resolve, reject) => {
    const socket = new WebSocket(socketUrl(index), protocols(index), { perMessageDeflate: false });
    socket.once('open', () => { stages.upgraded += 1; });
    socket.once('close', (code, reason) => reject(new ClosedEarly(`close ${code} ${reason.toString()}`)));
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => reject(new Error(`socket ${index}: HTTP ${response.statusCode}`)));
    socket.on('message', (data) => {
      if (data.toString().includes('"ready"')) {
        stages.ready += 1;
        sockets.push(socket);
        socket.on('message', onMessage);
        resolve();
      }
    });
  });
  for (let start = 0; start < count; start += parallel) {
    const stuck = setTimeout(() => console.error(`[bench] batch at ${start} not ready after 30 s: ${stages.upgraded} upgraded, ${stages.ready} ready so far`), 30_000);
    await Promise.all(Array.from({ length: Math.min(parallel, count - start) }, (_, offset) => openOne(start + offset)));
    clearTimeout(stuck);
  }
  return {
    count,
    retried: () => stages.retried,
    async awaitRound(startedAt, timeoutMs) {
      const latencies: number[] = [];
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        round = { startedAt, latencies, done: () => { clearTimeout(timer); resolve(); } };
      });
      round = undefined;
      return { latencies, missing: count - latencies.length };
    },
    async close() {
      await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.terminate();
      })));
    },
  };
}
