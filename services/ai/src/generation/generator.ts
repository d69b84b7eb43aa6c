import type { Logger } from '@versaai/kernel';
import { ProblemError } from '@versaai/kernel';
import type { DeadlineSettings, RetrySettings } from '../config.ts';
import { fitContext } from '../context/fit-context.ts';
import { estimateTextTokens, tokenizerFamily } from '../context/token-estimator.ts';
import type { ProviderAdapter } from '../providers/types.ts';
import type { ModelRegistry } from '../registry/model-registry.ts';
import { runAttempt } from './attempt.ts';
import type { AttemptFailure } from './attempt-failure.ts';
import { pause, retryDelayMs } from './backoff.ts';
import type { ProviderBreakers } from './breakers.ts';
import { costUsd } from './cost.ts';
import { AI_ERRORS } from './error-codes.ts';
import type { GenerateOptions, GenerationRequest, GenerationResult, GenerationSink, Generator, ResolvedModel, TokenUsage } from './types.ts';

export interface GeneratorDeps {
  registry: ModelRegistry;
  providers: ReadonlyMap<string, ProviderAdapter>;
  breakers: ProviderBreakers;
  deadlines: DeadlineSettings;
  retry: RetrySettings;
  logger?: Logger;
  /** For tests; Math.random by default. */
  random?: () => number;
}

const NO_USAGE: TokenUsage = { promptTokens: 0, completionTokens: 0 };

/** Output tokens reserved for the reply: what was asked for, at most the model's limit. */
function replyBudget(model: ResolvedModel, requested: number | undefined): number {
  return Math.max(1, Math.min(requested ?? model.maxOutputTokens, model.maxOutputTokens));
}

/**
 * Generation with deadlines, retries (full jitter, retry-after honoured, only before the first
 * token was handed on), fallback along the model's list, a circuit breaker per provider and
 * cancellation. Never throws for upstream problems: they come back as 'failed' with a code and
 * the partial text; a cancel comes back as 'cancelled' with the partial text.
 */
export function createGenerator(deps: GeneratorDeps): Generator {
  const random = deps.random ?? Math.random;

  async function generate(req: GenerationRequest, sink: GenerationSink, signal: AbortSignal, options: GenerateOptions = {}): Promise<GenerationResult> {
    let primary: ResolvedModel;
    try {
      primary = deps.registry.resolve(req.model, req.plan);
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      return {
        status: 'failed', content: '', model: req.model ?? '', provider: '', usage: NO_USAGE, costUsd: 0,
        finishReason: 'error', errorCode: error.code,
      };
    }
    const chain = [primary, ...deps.registry.fallbacks(primary, req.plan)];
    const stream = options.stream ?? true;

    // Aborted on cancel or at the total deadline. Linked by hand: AbortSignal.any costs tens of
    // µs per call (it tracks its sources weakly), on every request's way to the provider.
    const runController = new AbortController();
    const run = runController.signal;
    const abortRun = () => runController.abort();
    const totalTimer = setTimeout(abortRun, deps.deadlines.totalMs);
    const deadline = Date.now() + deps.deadlines.totalMs;
    if (signal.aborted) abortRun();
    else signal.addEventListener('abort', abortRun, { once: true });

    let content = '';
    let answering: ResolvedModel | undefined;
    let promptEstimate = 0;

    const estimatedUsage = (): TokenUsage => answering
      ? { promptTokens: promptEstimate, completionTokens: estimateTextTokens(content, tokenizerFamily(answering.upstreamModel)) }
      : NO_USAGE;
    const result = (status: GenerationResult['status'], model: ResolvedModel, finishReason: string, errorCode?: string, usage = estimatedUsage(), usageSource: 'reported' | 'estimated' = 'estimated'): GenerationResult => ({
      status, content, model: model.id, provider: model.provider, usage, costUsd: costUsd(model, usage), finishReason, usageSource,
      ...(errorCode ? { errorCode } : {}),
    });
    const interrupted = (model: ResolvedModel): GenerationResult => signal.aborted
      ? result('cancelled', answering ?? model, 'cancelled', AI_ERRORS.cancelled)
      : result('failed', answering ?? model, 'error', AI_ERRORS.totalTimeout);

    let lastFailure: AttemptFailure | undefined;
    let lastModel = primary;
    try {
      for (const model of chain) {
        const provider = deps.providers.get(model.provider);
        if (!provider) continue;
        const family = tokenizerFamily(model.upstreamModel);
        const maxTokens = replyBudget(model, req.maxTokens);
        const fitted = fitContext(req.messages, model.contextWindow - maxTokens, family);
        lastModel = model;
        if (!fitted) continue;
        for (let attempt = 0; ; attempt += 1) {
          if (run.aborted) return interrupted(model);
          const outcome = await runAttempt({
            provider, breaker: deps.breakers.get(provider.id), stream, deadlines: deps.deadlines, signal: run,
            call: { upstreamModel: model.upstreamModel, messages: fitted.messages, temperature: req.temperature, maxTokens },
            onFirstToken: () => {
              answering = model;
              promptEstimate = fitted.promptTokens;
              sink.onStart({ model: model.id, provider: model.provider });
            },
            onDelta: (text) => {
              content += text;
              sink.onDelta(text);
            },
            ...(sink.onRawData ? { onRawData: sink.onRawData.bind(sink) } : {}),
          });
          if (outcome.ok) {
            deps.breakers.recordCompleted(provider.id);
            const usage = outcome.outcome.usage ?? estimatedUsage();
            const source = outcome.outcome.usage ? outcome.outcome.usageSource : 'estimated';
            return result('completed', model, outcome.outcome.finishReason, undefined, usage, source);
          }
          const failure = outcome.failure;
          if (outcome.afterFirstToken) {
            // Text was handed on: never start over, keep what was produced.
            deps.breakers.recordLateFailure(provider.id, failure);
            if (run.aborted && failure.code === AI_ERRORS.cancelled) return interrupted(model);
            const code = failure.code === AI_ERRORS.providerUnavailable ? AI_ERRORS.upstreamError : failure.code;
            return result('failed', model, 'error', code);
          }
          if (run.aborted) return interrupted(model);
          lastFailure = failure;
          deps.logger?.warn({ provider: provider.id, model: model.id, attempt, code: failure.code, err: failure.message }, 'ai: upstream attempt failed');
          if (!failure.retryable || attempt >= deps.retry.retries) break;
          const delay = retryDelayMs(attempt, deps.retry, failure.retryAfterMs, random);
          if (delay === undefined || Date.now() + delay >= deadline) break;
          await pause(delay, run);
        }
      }
      if (run.aborted) return interrupted(lastModel);
      return result('failed', lastModel, 'error', lastFailure?.code ?? AI_ERRORS.contextTooLong);
    } finally {
      clearTimeout(totalTimer);
      signal.removeEventListener('abort', abortRun);
    }
  }

  return {
    resolve: (model, plan) => deps.registry.resolve(model, plan),
    generate,
  };
}
