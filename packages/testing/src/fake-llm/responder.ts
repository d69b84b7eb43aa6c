import type { ServerResponse } from 'node:http';
import { completionBody, StreamFrames, type CompletionMeta, type GroqTiming, type Usage } from './protocol.ts';
import type { FakeLlmDropFailure, FakeLlmStallFailure } from './types.ts';
import type { ResolvedReply } from './script.ts';

/** What a chat completion will do, decided before the first byte is written. */
export interface CompletionPlan {
  meta: CompletionMeta;
  reply: ResolvedReply;
  finishReason: string;
  promptTokens: number;
  stream: boolean;
  includeUsage: boolean;
  interruption: FakeLlmStallFailure | FakeLlmDropFailure | undefined;
  requestId: string;
}

export interface ResponderHooks {
  onTokens(count: number): void;
  onDrop(): void;
  /** Registers the pending timer so closing the response or the server can clear it. */
  setTimer(timer: NodeJS.Timeout | undefined): void;
}

function interruptAt(plan: CompletionPlan): number | undefined {
  if (!plan.interruption) return undefined;
  return 'stallAfterTokens' in plan.interruption ? plan.interruption.stallAfterTokens : plan.interruption.dropAfterTokens;
}

function timing(plan: CompletionPlan, tokens: number): GroqTiming {
  const completionMs = Math.max(0, tokens - 1) * plan.reply.tokenDelayMs;
  return { promptSeconds: plan.reply.firstTokenDelayMs / 1000, completionSeconds: completionMs / 1000 };
}

function usage(plan: CompletionPlan): Usage {
  const completion = plan.reply.tokens.length;
  return { prompt_tokens: plan.promptTokens, completion_tokens: completion, total_tokens: plan.promptTokens + completion };
}

/** Token i is due at firstTokenDelayMs + i × tokenDelayMs after the start. */
function dueAt(plan: CompletionPlan, start: number, index: number): number {
  return start + plan.reply.firstTokenDelayMs + index * plan.reply.tokenDelayMs;
}

/**
 * Writes the tokens before the interruption, then drops or stalls. A drop waits for those bytes
 * to be flushed: destroying at once would discard them, and the client must see the N tokens.
 */
function interrupt(plan: CompletionPlan, res: ServerResponse, hooks: ResponderHooks, out: string): void {
  if (!plan.interruption || !('dropAfterTokens' in plan.interruption)) {
    // A stall writes nothing more and keeps the connection until the client or close() ends it.
    if (out) res.write(out);
    return;
  }
  hooks.onDrop();
  const destroy = (): void => {
    res.socket?.destroy();
  };
  if (out) res.write(out, destroy);
  else setImmediate(destroy);
}

/**
 * Streams the plan. Tokens are scheduled against absolute due times, so when the event loop
 * runs late (thousands of streams) every token that is due goes out in one write instead of the
 * stream drifting slower than scripted; with no delay the whole stream is one write.
 */
export function streamCompletion(plan: CompletionPlan, res: ServerResponse, hooks: ResponderHooks): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-request-id': plan.requestId,
  });
  res.flushHeaders();
  const frames = new StreamFrames(plan.meta, plan.includeUsage);
  const tokens = plan.reply.tokens;
  const stopAt = interruptAt(plan);
  const last = Math.min(tokens.length, stopAt ?? Infinity);
  const start = Date.now();
  let next = 0;

  const pump = (): void => {
    hooks.setTimer(undefined);
    const now = Date.now();
    let out = '';
    const from = next;
    while (next < last && dueAt(plan, start, next) <= now) {
      if (next === 0) out += frames.role();
      out += frames.content(JSON.stringify(tokens[next]));
      next += 1;
    }
    if (next > from) hooks.onTokens(next - from);
    if (next < last) {
      if (out) res.write(out);
      hooks.setTimer(setTimeout(pump, dueAt(plan, start, next) - now));
      return;
    }
    if (stopAt !== undefined && stopAt <= tokens.length) {
      interrupt(plan, res, hooks, out);
      return;
    }
    if (tokens.length === 0) out += frames.role();
    res.end(out + frames.end(plan.finishReason, usage(plan), timing(plan, tokens.length)));
  };
  pump();
}

/** Answers after the whole reply's generation time, as the real API does without `stream`. */
export function answerCompletion(plan: CompletionPlan, res: ServerResponse, hooks: ResponderHooks): void {
  const tokens = plan.reply.tokens;
  const stopAt = interruptAt(plan);
  const produced = Math.min(tokens.length, stopAt ?? Infinity);
  const waitMs = produced === 0 ? plan.reply.firstTokenDelayMs : dueAt(plan, 0, produced - 1);
  const finish = (): void => {
    hooks.setTimer(undefined);
    if (stopAt !== undefined && stopAt <= tokens.length) {
      interrupt(plan, res, hooks, '');
      return;
    }
    hooks.onTokens(tokens.length);
    const body = completionBody(plan.meta, tokens.join(''), plan.finishReason, usage(plan), timing(plan, tokens.length));
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': plan.requestId });
    res.end(JSON.stringify(body));
  };
  if (waitMs > 0) hooks.setTimer(setTimeout(finish, waitMs));
  else finish();
}
