import WebSocket from 'ws';
import { STREAM_BEARER_PROTOCOL_PREFIX, STREAM_PROTOCOL } from '@versaai/identity';
import { nowMs } from './stats.ts';

/**
 * One user's WebSocket (`/api/chat/stream/ws`, docs/realtime.md) and what it received per
 * response: the entries of each answer are recorded as they arrive, keyed by response id, so
 * an `entries` frame that overtakes the POST's 202 is not lost.
 */
export interface ResponseTrack {
  responseId: string;
  /** nowMs() when the frame holding the first `delta` entry arrived (before parsing it). */
  firstDeltaAt: number | undefined;
  /** nowMs() when the `status` entries arrived: where the time before the first delta goes. */
  statusAt: { queued?: number; streaming?: number };
  /** Every seq received, in arrival order (duplicates kept, so they can be counted). */
  seqs: number[];
  /** Deltas concatenated; a `reset` entry starts it over, as a client must. */
  text: string;
  deltas: number;
  resets: number;
  end: { status: string; errorCode?: string; at: number } | undefined;
}

interface Entry { seq: number; event: { type: string; text?: string; status?: string; errorCode?: string } }
interface Frame { type: string; responseId?: string; entries?: Entry[] }

export class UserStream {
  private readonly tracks = new Map<string, ResponseTrack>();
  private readonly waiters = new Map<string, Array<() => void>>();
  private closedWith: { code: number; reason: string } | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;
  framesReceived = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.receive(nowMs(), data.toString()));
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closedWith = { code, reason: reason.toString() };
        for (const resolvers of this.waiters.values()) for (const resolve of resolvers) resolve();
        this.waiters.clear();
        resolve(this.closedWith);
      });
    });
  }

  /** Opens the socket with the token as subprotocol (as a browser does) and waits for `ready`. */
  static async connect(gatewayUrl: string, token: string): Promise<UserStream> {
    const url = `${gatewayUrl.replace(/^http/, 'ws')}/api/chat/stream/ws`;
    const ws = new WebSocket(url, [STREAM_PROTOCOL, `${STREAM_BEARER_PROTOCOL_PREFIX}${token}`], { perMessageDeflate: false });
    const ready = new Promise<void>((resolve, reject) => {
      ws.on('message', function firstFrame(data) {
        if ((JSON.parse(data.toString()) as Frame).type !== 'ready') return;
        ws.off('message', firstFrame);
        resolve();
      });
      ws.once('error', reject);
      ws.once('unexpected-response', (_request, response) => reject(new Error(`WebSocket upgrade answered HTTP ${response.statusCode}`)));
      ws.once('close', (code, reason) => reject(new Error(`WebSocket closed before ready (${code} ${reason.toString()})`)));
    });
    const stream = new UserStream(ws);
    await ready;
    return stream;
  }

  private track(responseId: string): ResponseTrack {
    let track = this.tracks.get(responseId);
    if (!track) {
      track = { responseId, firstDeltaAt: undefined, statusAt: {}, seqs: [], text: '', deltas: 0, resets: 0, end: undefined };
      this.tracks.set(responseId, track);
    }
    return track;
  }

  private receive(at: number, text: string): void {
    this.framesReceived++;
    const frame = JSON.parse(text) as Frame;
    if (frame.type !== 'entries' || frame.responseId === undefined || !frame.entries) return;
    const track = this.track(frame.responseId);
    for (const { seq, event } of frame.entries) {
      track.seqs.push(seq);
      if (event.type === 'delta') {
        track.firstDeltaAt ??= at;
        track.text += event.text ?? '';
        track.deltas++;
      } else if (event.type === 'status' && (event.status === 'queued' || event.status === 'streaming')) {
        track.statusAt[event.status] ??= at;
      } else if (event.type === 'reset') {
        track.text = '';
        track.resets++;
      } else if (event.type === 'end') {
        track.end = { status: event.status ?? 'unknown', ...(event.errorCode ? { errorCode: event.errorCode } : {}), at };
      }
    }
    if (track.end) this.wake(frame.responseId);
    else if (track.firstDeltaAt !== undefined) this.wake(frame.responseId);
  }

  private wake(responseId: string): void {
    const resolvers = this.waiters.get(responseId);
    if (!resolvers) return;
    this.waiters.delete(responseId);
    for (const resolve of resolvers) resolve();
  }

  /** What arrived for a response so far (an empty track if nothing yet). */
  response(responseId: string): ResponseTrack {
    return this.track(responseId);
  }

  /** Resolves once `done(track)` holds, re-checked on every frame of that response; rejects on timeout or close. */
  async until(responseId: string, done: (track: ResponseTrack) => boolean, timeoutMs: number): Promise<ResponseTrack> {
    const deadline = nowMs() + timeoutMs;
    for (;;) {
      const track = this.track(responseId);
      if (done(track)) return track;
      if (this.closedWith) throw new Error(`WebSocket closed (${this.closedWith.code} ${this.closedWith.reason}) while waiting for ${responseId}`);
      const left = deadline - nowMs();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for response ${responseId} (${track.seqs.length} entries so far)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        const list = this.waiters.get(responseId) ?? [];
        list.push(() => {
          clearTimeout(timer);
          resolve();
        });
        this.waiters.set(responseId, list);
      });
    }
  }

  /** Drops what was recorded for a response (long runs keep memory flat). */
  forget(responseId: string): void {
    this.tracks.delete(responseId);
  }

  async close(): Promise<void> {
    if (this.closedWith) return;
    this.ws.close();
    await this.closed;
  }
}

/** seq numbers received for one response are exactly 1..n, each once. */
export function seqCheck(seqs: readonly number[]): { contiguous: boolean; duplicates: number; gaps: number } {
  const seen = new Set<number>();
  let duplicates = 0;
  let max = 0;
  for (const seq of seqs) {
    if (seen.has(seq)) duplicates++;
    seen.add(seq);
    if (seq > max) max = seq;
  }
  const gaps = max - seen.size;
  return { contiguous: duplicates === 0 && gaps === 0 && (max === 0 || seen.has(1)), duplicates, gaps };
}
