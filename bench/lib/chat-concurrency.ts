import type { ChatApi, SendTiming } from './chat-client.ts';
import { streamDirect } from './chat-direct.ts';
import { describeError } from './chat-http.ts';
import type { FakeLlmProcess } from './chat-env.ts';
import { seqCheck, type ResponseTrack, type UserStream } from './chat-stream.ts';
import { nowMs, summarizeLatencies, type LatencySummary } from './stats.ts';

/**
 * Benchmark 3: many conversations streaming at once. Every conversation runs its own loop —
 * send, wait for `end` on its user's socket, send again — for `rounds` answers, all loops
 * started together, so `conversations` answers are in flight at every moment (closed loop).
 * Afterwards every answer is checked against what the chat service stored.
 */
export interface ConcurrencyOptions {
  conversations: number;
  rounds: number;
  timeoutMs: number;
}

export interface BenchUserSession { api: ChatApi; stream: UserStream }

export interface ThroughputRun {
  started: number;
  completed: number;
  failed: number;
  seconds: number;
  /** Completed answers / (first send → last end). */
  perSecond: number;
  /** Completed answers per whole second of the run (ramp-up and tail included). */
  perSecondBuckets: number[];
  /** Send → `end` (chat) or request → last byte (direct). */
  answerMs: LatencySummary;
  errors: string[];
}

export interface ChatConcurrencyResult extends ThroughputRun {
  users: number;
  /** Answers whose socket entries were 1..n each once. */
  contiguous: number;
  duplicates: number;
  gaps: number;
  resets: number;
  /** Answers whose concatenated socket deltas equal the stored assistant message (status completed). */
  matchingStored: number;
  /** Mismatches, first few described. */
  mismatches: string[];
  /** Sends → first delta, under this load. */
  firstDeltaMs: LatencySummary;
  framesReceived: number;
}

function buckets(startedAt: number, ends: number[]): number[] {
  const counts: number[] = [];
  for (const end of ends) {
    const second = Math.floor((end - startedAt) / 1000);
    while (counts.length <= second) counts.push(0);
    counts[second]!++;
  }
  return counts;
}

function throughput(startedAt: number, ends: number[], answerMs: number[], started: number, failed: number, errors: string[]): ThroughputRun {
  const last = ends.length > 0 ? Math.max(...ends) : nowMs();
  const seconds = (last - startedAt) / 1000;
  return {
    started, completed: ends.length, failed, seconds, perSecond: ends.length / seconds,
    perSecondBuckets: buckets(startedAt, ends), answerMs: summarizeLatencies(answerMs), errors: errors.slice(0, 10),
  };
}

/** The peer: the same number of streams, asked of the fake LLM directly from this process, as loops of `rounds`. */
export async function measureDirectConcurrency(llm: FakeLlmProcess, opts: ConcurrencyOptions): Promise<ThroughputRun> {
  const ends: number[] = [];
  const answerMs: number[] = [];
  const errors: string[] = [];
  let started = 0;
  let failed = 0;
  const startedAt = nowMs();
  await Promise.all(Array.from({ length: opts.conversations }, async (_, conversation) => {
    for (let round = 0; round < opts.rounds; round++) {
      started++;
      try {
        const stream = await streamDirect(llm.url, [{ role: 'user', content: `Conversation ${conversation}, round ${round}` }], llm.apiKey);
        if (stream.chunks !== llm.tokens) throw new Error(`${stream.chunks} chunks instead of ${llm.tokens}`);
        ends.push(stream.endAt);
        answerMs.push(stream.endAt - stream.sentAt);
      } catch (error) {
        failed++;
        errors.push(describeError(error));
      }
    }
  }));
  return throughput(startedAt, ends, answerMs, started, failed, errors);
}

interface Sent { user: BenchUserSession; timing: SendTiming; track: ResponseTrack }

/** `window(true)` is called just before the first send, `window(false)` after the last answer ended (before the checks). */
export async function measureChatConcurrency(users: BenchUserSession[], opts: ConcurrencyOptions, log: (line: string) => void, window: (open: boolean) => void = () => {}): Promise<ChatConcurrencyResult> {
  // Conversations are created before the clock starts, a few at a time.
  const owners: Array<{ user: BenchUserSession; conversationId: string }> = [];
  for (let first = 0; first < opts.conversations; first += 16) {
    const batch = Array.from({ length: Math.min(16, opts.conversations - first) }, (_, offset) => users[(first + offset) % users.length]!);
    owners.push(...await Promise.all(batch.map(async (user, offset) => ({ user, conversationId: await user.api.createConversation(`bench concurrent ${first + offset}`) }))));
  }
  log(`    ${owners.length} conversations created over ${users.length} users; ${opts.conversations} streams at once × ${opts.rounds} rounds`);

  const sent: Sent[] = [];
  const ends: number[] = [];
  const answerMs: number[] = [];
  const firstDeltaMs: number[] = [];
  const errors: string[] = [];
  let started = 0;
  let failed = 0;
  window(true);
  const startedAt = nowMs();
  const progress = setInterval(() => log(`    … ${ends.length} answers completed, ${failed} failed, ${((nowMs() - startedAt) / 1000).toFixed(0)} s`), 10_000);
  try {
    await Promise.all(owners.map(async ({ user, conversationId }, conversation) => {
      for (let round = 0; round < opts.rounds; round++) {
        started++;
        try {
          const timing = await user.api.send(conversationId, `Conversation ${conversation}, round ${round}: tell me something.`);
          const track = await user.stream.until(timing.responseId, (each) => each.end !== undefined, opts.timeoutMs);
          sent.push({ user, timing, track });
          if (track.end!.status !== 'completed') {
            failed++;
            errors.push(`${timing.responseId} ended ${track.end!.status} ${track.end!.errorCode ?? ''}`);
            continue;
          }
          ends.push(track.end!.at);
          answerMs.push(track.end!.at - timing.sentAt);
          if (track.firstDeltaAt !== undefined) firstDeltaMs.push(track.firstDeltaAt - timing.sentAt);
        } catch (error) {
          failed++;
          errors.push(describeError(error));
        }
      }
    }));
  } finally {
    clearInterval(progress);
    window(false);
  }
  const run = throughput(startedAt, ends, answerMs, started, failed, errors);
  const checked = await checkAgainstStored(sent, opts.timeoutMs);
  return {
    ...run,
    ...checked,
    users: users.length,
    firstDeltaMs: summarizeLatencies(firstDeltaMs),
    framesReceived: users.reduce((sum, user) => sum + user.stream.framesReceived, 0),
  };
}

/**
 * Every answer: socket seqs 1..n each once, and the deltas concatenated equal the assistant
 * message the chat service stored (fetched with GET once per conversation, after the run;
 * an answer still shown pending is read again until it is final, as its event may lag the socket).
 */
async function checkAgainstStored(sent: Sent[], timeoutMs: number): Promise<Pick<ChatConcurrencyResult, 'contiguous' | 'duplicates' | 'gaps' | 'resets' | 'matchingStored' | 'mismatches'>> {
  let contiguous = 0;
  let duplicates = 0;
  let gaps = 0;
  let resets = 0;
  for (const { track } of sent) {
    const seqs = seqCheck(track.seqs);
    if (seqs.contiguous) contiguous++;
    duplicates += seqs.duplicates;
    gaps += seqs.gaps;
    resets += track.resets;
  }
  const byConversation = new Map<string, Sent[]>();
  for (const each of sent) {
    const list = byConversation.get(each.timing.conversationId) ?? [];
    list.push(each);
    byConversation.set(each.timing.conversationId, list);
  }
  let matchingStored = 0;
  const mismatches: string[] = [];
  const conversations = [...byConversation.values()];
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < conversations.length) {
      const answers = conversations[next++]!;
      const { api } = answers[0]!.user;
      const deadline = nowMs() + timeoutMs;
      for (;;) {
        const stored = new Map((await api.messages(answers[0]!.timing.conversationId)).map((message) => [message.id, message]));
        const unfinished = answers.some(({ timing }) => ['pending', 'streaming'].includes(stored.get(timing.responseId)?.status ?? 'pending'));
        if (unfinished && nowMs() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          continue;
        }
        for (const { timing, track } of answers) {
          const message = stored.get(timing.responseId);
          if (message && message.status === 'completed' && message.content === track.text) {
            matchingStored++;
          } else if (mismatches.length < 5) {
            mismatches.push(`${timing.responseId}: stored ${message ? `${message.status} (${message.content.length} chars)` : 'missing'}, socket ${track.end?.status ?? 'no end'} (${track.text.length} chars)`);
          }
        }
        break;
      }
    }
  }));
  return { contiguous, duplicates, gaps, resets, matchingStored, mismatches };
}
