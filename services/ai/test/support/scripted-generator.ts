import { ProblemError } from '@versaai/kernel';
import type { GenerationRequest, GenerationResult, GenerationSink, Generator, ResolvedModel } from '../../src/generation/types.ts';
import type { GenerationCore } from '../../src/worker/generation-core.ts';

function model(id: string, provider: string, allowedPlans: string[] = []): ResolvedModel {
  return {
    id, provider, upstreamModel: id, contextWindow: 8_192, maxOutputTokens: 1_024, inputPricePerMillion: 1, outputPricePerMillion: 2,
    enabled: true, allowedPlans, fallbacks: [], isDefault: id === 'test-model',
  };
}

export interface Script {
  tokens: string[];
  /** Wait before each token (ms). */
  tokenDelayMs?: number;
  /** Fail after the tokens (with this code). */
  failWith?: string;
}

/**
 * A Generator for the pipeline's tests: answers with scripted tokens on a timer, honours the
 * abort signal (cancelled with the partial text) and records every call.
 */
export class ScriptedGenerator implements Generator {
  readonly models = new Map([['test-model', model('test-model', 'p1')], ['team-model', model('team-model', 'p1', ['team'])], ['versaai-offline', model('versaai-offline', 'offline')]]);
  readonly calls: { request: GenerationRequest; aborted: boolean; settled: Promise<void> }[] = [];
  script: Script = { tokens: ['Hello', ' world'] };
  /** Scripts for requests whose last message contains the key. */
  readonly scripts = new Map<string, Script>();

  resolve(id: string | undefined, plan: string): ResolvedModel {
    const found = this.models.get(id ?? 'test-model');
    if (!found) throw new ProblemError({ status: 400, code: 'AI_MODEL_UNKNOWN', detail: `No model ${id}` });
    if (found.allowedPlans.length > 0 && !found.allowedPlans.includes(plan)) throw new ProblemError({ status: 403, code: 'AI_MODEL_NOT_ALLOWED' });
    return found;
  }

  async generate(request: GenerationRequest, sink: GenerationSink, signal: AbortSignal): Promise<GenerationResult> {
    const resolved = this.resolve(request.model, request.plan);
    const last = request.messages.at(-1)?.content ?? '';
    const script = [...this.scripts].find(([key]) => last.includes(key))?.[1] ?? this.script;
    let settle!: () => void;
    const call = { request, aborted: false, settled: new Promise<void>((resolve) => { settle = resolve; }) };
    this.calls.push(call);
    let content = '';
    const base = { model: resolved.id, provider: resolved.provider };
    const usage = () => ({ promptTokens: request.messages.length * 10, completionTokens: content ? content.split(/(?=\s)/).length : 0 });
    try {
      for (const [index, token] of script.tokens.entries()) {
        if (script.tokenDelayMs) await sleep(script.tokenDelayMs, signal);
        if (signal.aborted) throw signal.reason;
        if (index === 0) sink.onStart(base);
        sink.onDelta(token);
        content += token;
      }
      if (script.failWith) {
        return { ...base, status: 'failed', content, usage: usage(), costUsd: 0, finishReason: 'error', errorCode: script.failWith };
      }
      return { ...base, status: 'completed', content, usage: usage(), costUsd: 0.000_01, finishReason: 'stop' };
    } catch {
      call.aborted = true;
      return { ...base, status: 'cancelled', content, usage: usage(), costUsd: 0, finishReason: 'cancelled', errorCode: 'AI_CANCELLED' };
    } finally {
      settle();
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function scriptedCore(generator: ScriptedGenerator): GenerationCore {
  return { generator, availableModels: () => [...generator.models.values()].map((entry) => ({ id: entry.id, provider: entry.provider })) };
}
