import { iso } from '../rows.ts';
import { nowIso, notify, type ChatDeps } from '../chat-deps.ts';
import type { MessageRow } from '../messages/message-row.ts';
import { toMessage } from '../messages/message-row.ts';
import { messagesRepository, type ResponseOutcome } from '../messages/messages-repository.ts';
import { replayStream, type StreamOutcome } from './stream-outcome.ts';

export const NO_PROGRESS_CODE = 'AI_NO_PROGRESS';
const PAGE_SIZE = 100;

export interface Reaper {
  /** One pass over the unfinished answers; resolves to how many it ended. */
  sweep(): Promise<number>;
}

export interface RunningReaper extends Reaper {
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

/**
 * Ends answers nobody is producing, so none stays "generating" forever. An answer is stuck when
 * its response stream shows no entry within the deadline (no stream: counted from the row's
 * last change). It ends as `cancelled` if the user asked to stop, else `failed` with
 * AI_NO_PROGRESS, keeping the text the stream produced; an `end` entry tells the clients. A
 * stream that ended long ago without the AI service's final event ends the answer as the
 * stream said. The UPDATE only touches unfinished rows, so a final state that arrives first
 * wins, and of several chat replicas sweeping at once only one ends each answer.
 */
export function createReaper(deps: ChatDeps, opts: { deadlineMs: number }): Reaper {
  // A long answer stays a candidate on every pass while it streams: remember what was replayed
  // of its stream so each pass reads only the new entries. Forgotten once it is no candidate.
  let replayed = new Map<string, StreamOutcome>();
  let seen = new Map<string, StreamOutcome>();

  async function reap(row: MessageRow, now: number): Promise<boolean> {
    const before = replayed.get(row.id);
    const stream = replayStream(await deps.responseStreams.read(row.id, before?.seq ?? 0), before);
    seen.set(row.id, stream);
    const lastProgress = stream.lastAt ?? Date.parse(iso(row.updated_at));
    if (now - lastProgress < opts.deadlineMs) return false;
    const cancelled = !stream.end && await deps.responseStreams.isCancelRequested(row.id);
    const outcome: ResponseOutcome = stream.end
      ? { status: stream.end.status, content: stream.text, errorCode: stream.end.errorCode ?? null, finishReason: stream.end.finishReason ?? null }
      : cancelled
        ? { status: 'cancelled', content: stream.text, errorCode: null, finishReason: 'cancelled' }
        : { status: 'failed', content: stream.text, errorCode: NO_PROGRESS_CODE, finishReason: 'error' };
    const where = { id: row.id, userId: row.user_id, conversationId: row.conversation_id };
    if (!await messagesRepository.finish(deps.db, where, outcome, nowIso(deps))) return false;
    if (!stream.end) {
      await deps.responseStreams.append({ responseId: row.id, conversationId: row.conversation_id, userId: row.user_id }, [{
        type: 'end', status: outcome.status, finishReason: outcome.finishReason ?? undefined, ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}),
      }]);
    }
    const message = await messagesRepository.find(deps.db, row.user_id, row.conversation_id, row.id);
    if (message) notify(deps, row.user_id, { type: 'message.updated', conversationId: row.conversation_id, message });
    deps.logger.warn({ responseId: row.id, status: outcome.status, errorCode: outcome.errorCode }, 'stuck answer ended by the reaper');
    return true;
  }

  return {
    async sweep() {
      const now = deps.now();
      // Rows unchanged within the deadline cannot be stuck yet: the index narrows the pass to older ones.
      const before = new Date(now - opts.deadlineMs).toISOString();
      let ended = 0;
      let after: { updatedAt: string; id: string } | undefined;
      seen = new Map();
      for (;;) {
        const rows = await messagesRepository.unfinishedSince(deps.db, before, PAGE_SIZE, after);
        for (const row of rows) {
          try {
            if (await reap(row, now)) ended++;
          } catch (error) {
            deps.logger.error({ err: error, responseId: row.id }, 'reaper could not end an answer');
          }
        }
        if (rows.length < PAGE_SIZE) {
          replayed = seen;
          return ended;
        }
        const last = toMessage(rows.at(-1)!);
        after = { updatedAt: last.updatedAt, id: last.id };
      }
    },
  };
}

/** Sweeps every `intervalMs` (never two passes at once) until stopped; the timer does not keep the process alive. */
export function startReaper(reaper: Reaper, opts: { intervalMs: number; logger: ChatDeps['logger'] }): RunningReaper {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = reaper.sweep()
      .catch((error: unknown) => opts.logger.error({ err: error }, 'reaper pass failed'))
      .finally(() => { running = undefined; });
  }, opts.intervalMs);
  timer.unref();
  return {
    sweep: () => reaper.sweep(),
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
