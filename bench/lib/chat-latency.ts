import type { ChatApi } from './chat-client.ts';
import { streamDirect } from './chat-direct.ts';
import { describeError } from './chat-http.ts';
import type { FakeLlmProcess } from './chat-env.ts';
import type { UserStream } from './chat-stream.ts';
import { summarizeLatencies, type LatencySummary } from './stats.ts';

/**
 * Benchmark 2: time to first delta through the chat flow — POST …/messages leaves this
 * process → the first `delta` entry of that answer arrives on the user's WebSocket — beside
 * the time to first token of the same streamed completion asked of the fake LLM directly.
 * One sample at a time, a chat sample then a direct one, each waited for to its end, so
 * neither overlaps anything but the platform's own background work.
 */
export interface FirstDeltaOptions {
  warmup: number;
  samples: number;
  /** Samples rotate over this many conversations, so histories stay short (≤ 2 × samples/conversations turns). */
  conversations: number;
  timeoutMs: number;
}

export interface FirstDeltaResult {
  samples: number;
  conversations: number;
  chatMs: LatencySummary;
  directMs: LatencySummary;
  /** chat pN − direct pN, for N = 50, 90, 99. */
  addedMs: { p50: number; p90: number; p99: number };
  /** Per sample chat − the direct sample taken right after it, summarized (a cross-check of the above). */
  pairedAddedMs: LatencySummary;
  /**
   * Where the chat flow's time to first delta goes, from the arrival of the answer's entries on
   * the socket: POST → `status queued` (chat's transaction, the event to the AI service, its job
   * claimed and admitted), `queued` → `status streaming` (the upstream call until its first
   * token), `streaming` → first `delta` (the delta held by the stream writer before appending).
   */
  stagesMs: { postToQueued: LatencySummary; queuedToStreaming: LatencySummary; streamingToFirstDelta: LatencySummary };
  /** POST → its 202, for comparison with the first delta (the delta may arrive first). */
  acceptedMs: LatencySummary;
  /** First delta → `end` on the socket, against the direct stream's first token → end. */
  chatStreamMs: LatencySummary;
  directStreamMs: LatencySummary;
  /** Answers whose socket text differed from the fake's reply, or that did not end `completed`. */
  badAnswers: number;
  errors: string[];
}

const PROMPT = 'Benchmark question: how long until the first word arrives?';

export async function measureFirstDelta(api: ChatApi, stream: UserStream, llm: FakeLlmProcess, opts: FirstDeltaOptions): Promise<FirstDeltaResult> {
  const conversations: string[] = [];
  for (let index = 0; index < opts.conversations; index++) conversations.push(await api.createConversation(`bench first delta ${index}`));

  const chat: number[] = [];
  const direct: number[] = [];
  const paired: number[] = [];
  const accepted: number[] = [];
  const chatStream: number[] = [];
  const directStream: number[] = [];
  const stages = { postToQueued: [] as number[], queuedToStreaming: [] as number[], streamingToFirstDelta: [] as number[] };
  const errors: string[] = [];
  let badAnswers = 0;

  for (let index = 0; index < opts.warmup + opts.samples; index++) {
    const measured = index >= opts.warmup;
    const conversationId = conversations[index % conversations.length]!;
    try {
      const sent = await api.send(conversationId, `${PROMPT} (${index})`);
      const track = await stream.until(sent.responseId, (each) => each.end !== undefined, opts.timeoutMs);
      const peer = await streamDirect(llm.url, [{ role: 'user', content: `${PROMPT} (${index})` }], llm.apiKey);
      const good = track.end?.status === 'completed' && track.text === peer.text && track.firstDeltaAt !== undefined;
      if (!good) badAnswers++;
      stream.forget(sent.responseId);
      if (!measured || track.firstDeltaAt === undefined) continue;
      const chatFirst = track.firstDeltaAt - sent.sentAt;
      const directFirst = peer.firstTokenAt - peer.sentAt;
      chat.push(chatFirst);
      direct.push(directFirst);
      paired.push(chatFirst - directFirst);
      accepted.push(sent.acceptedAt - sent.sentAt);
      chatStream.push(track.end!.at - track.firstDeltaAt);
      directStream.push(peer.endAt - peer.firstTokenAt);
      const { queued, streaming } = track.statusAt;
      if (queued !== undefined && streaming !== undefined) {
        stages.postToQueued.push(queued - sent.sentAt);
        stages.queuedToStreaming.push(streaming - queued);
        stages.streamingToFirstDelta.push(track.firstDeltaAt - streaming);
      }
    } catch (error) {
      errors.push(`sample ${index}: ${describeError(error)}`);
      if (errors.length >= 10) break;
    }
  }
  const chatMs = summarizeLatencies(chat);
  const directMs = summarizeLatencies(direct);
  return {
    samples: chat.length,
    conversations: opts.conversations,
    chatMs,
    directMs,
    addedMs: { p50: chatMs.p50 - directMs.p50, p90: chatMs.p90 - directMs.p90, p99: chatMs.p99 - directMs.p99 },
    pairedAddedMs: summarizeLatencies(paired),
    stagesMs: {
      postToQueued: summarizeLatencies(stages.postToQueued),
      queuedToStreaming: summarizeLatencies(stages.queuedToStreaming),
      streamingToFirstDelta: summarizeLatencies(stages.streamingToFirstDelta),
    },
    acceptedMs: summarizeLatencies(accepted),
    chatStreamMs: summarizeLatencies(chatStream),
    directStreamMs: summarizeLatencies(directStream),
    badAnswers,
    errors,
  };
}
