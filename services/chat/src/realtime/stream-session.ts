import { isFinal, type ResponseRef, type ResponseStreamStore, type StreamEntry } from '@versaai/storage';
import { entriesFrame, errorFrame } from './frames.ts';

/** How a session reaches its client: a WebSocket or an SSE response. */
export interface StreamPeer {
  /** An `entries` frame whose last entry is `lastSeq` of `responseId` (SSE numbers its events with them). */
  sendEntries(frame: string, responseId: string, lastSeq: number): void;
  sendMessage(frame: string): void;
  /**
   * Live entries may have been missed (the process's subscriptions to the bus were lost and are
   * back): the client must catch up from its last offsets — told `ready` again on a WebSocket
   * (it resumes what it follows), reconnected on SSE (the browser sends Last-Event-ID).
   */
  restored(): void;
}

/** A resume reply is cut in frames of at most this many entries, so one frame stays small. */
const RESUME_FRAME_ENTRIES = 256;
/** Responses whose order a session tracks after a resume; the oldest is forgotten past it. */
const TRACKED_RESPONSES = 64;

/**
 * One client connection of a user. Live entries are forwarded as they come (one frame
 * serialised once for all of the user's sessions). After a `resume` of a response, the session
 * sends that response's entries strictly after the client's offset, in order, each once:
 * entries that arrive live while the store is read are held back and merged by seq, so the
 * race between the read and live delivery leaves neither a gap nor a duplicate.
 */
export class StreamSession {
  /** After a resume: the last seq sent per response. */
  private resumed: Map<string, number> | undefined;
  /** While a resume reads the store: live entries held back per response. */
  private resuming: Map<string, StreamEntry[]> | undefined;
  private resumes: Promise<void> = Promise.resolve();

  constructor(readonly userId: string, private readonly peer: StreamPeer, private readonly store: ResponseStreamStore) {}

  /** `frame` is the entries frame of `entries`, serialised once for all of the user's sessions. */
  onEntries(ref: ResponseRef, entries: StreamEntry[], frame: string): void {
    const held = this.resuming?.get(ref.responseId);
    if (held) {
      held.push(...entries);
      return;
    }
    const last = this.resumed?.get(ref.responseId);
    if (last === undefined) {
      this.peer.sendEntries(frame, ref.responseId, entries[entries.length - 1]!.seq);
      return;
    }
    this.sendAfter(ref, entries, last);
  }

  onNotification(frame: string): void {
    this.peer.sendMessage(frame);
  }

  onRestored(): void {
    this.peer.restored();
  }

  /**
   * Queued behind earlier resumes of this session, so their replies never interleave. Live
   * entries of the response are held back from this call on (not only once the read starts):
   * a resume asked for at connect time, before the subscription is ready, then receives
   * nothing ahead of the older entries it asked for. The store is read once `ready` settles.
   */
  resume(responseId: string, afterSeq: number, ready: Promise<unknown> = Promise.resolve()): Promise<void> {
    this.holdBack(responseId);
    this.resumes = this.resumes.then(() => ready).then(() => this.runResume(responseId, afterSeq), () => {});
    return this.resumes;
  }

  private holdBack(responseId: string): Map<string, StreamEntry[]> {
    const resuming = (this.resuming ??= new Map());
    if (!resuming.has(responseId)) resuming.set(responseId, []);
    return resuming;
  }

  private async runResume(responseId: string, afterSeq: number): Promise<void> {
    const resuming = this.holdBack(responseId);
    try {
      const ref = await this.store.owner(responseId);
      // Someone else's response and an unknown one answer alike: nothing tells them apart.
      if (!ref || ref.userId !== this.userId) {
        this.peer.sendMessage(errorFrame('STREAM_NOT_FOUND', 'No such response stream (unknown, expired or not yours).', { responseId }));
        return;
      }
      const read = await this.store.read(responseId, afterSeq);
      const last = this.sendAfter(ref, [...read, ...resuming.get(responseId)!], afterSeq, true);
      this.peer.sendMessage(JSON.stringify({ type: 'resumed', responseId, conversationId: ref.conversationId, afterSeq, lastSeq: last }));
    } catch {
      this.peer.sendMessage(errorFrame('STREAM_UNAVAILABLE', 'The response stream could not be read; retry the resume.', { responseId }));
    } finally {
      resuming.delete(responseId);
    }
  }

  /** Sends the entries above `last` in seq order, once each; returns the new last seq. */
  private sendAfter(ref: ResponseRef, entries: StreamEntry[], last: number, always = false): number {
    const fresh: StreamEntry[] = [];
    let next = last;
    for (const entry of always ? [...entries].sort((a, b) => a.seq - b.seq) : entries) {
      if (entry.seq <= next) continue;
      fresh.push(entry);
      next = entry.seq;
    }
    for (let start = 0; start < fresh.length; start += RESUME_FRAME_ENTRIES) {
      const part = fresh.slice(start, start + RESUME_FRAME_ENTRIES);
      this.peer.sendEntries(entriesFrame(ref, part), ref.responseId, part[part.length - 1]!.seq);
    }
    this.track(ref.responseId, next, fresh.some((entry) => isFinal(entry.event)));
    return next;
  }

  private track(responseId: string, last: number, ended: boolean): void {
    const resumed = (this.resumed ??= new Map());
    resumed.delete(responseId);
    // Nothing follows an end; forgetting it keeps the map to the responses still streaming.
    if (ended) return;
    resumed.set(responseId, last);
    if (resumed.size > TRACKED_RESPONSES) resumed.delete(resumed.keys().next().value!);
  }
}
