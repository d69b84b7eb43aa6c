import { BucketedHistogram } from '@versaai/kernel';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * The AI service's metrics. Labels are low-cardinality by construction: `provider` and
 * `model` are registry ids (only known models reach a metric), never user input.
 */
export interface AiMetrics {
  requests: Counter<'provider' | 'model' | 'status' | 'source'>;
  tokens: Counter<'provider' | 'model' | 'direction'>;
  costUsd: Counter<'provider' | 'model'>;
  /** Observed on every answer's way to its first token: the cheaper histogram (same series). */
  timeToFirstToken: BucketedHistogram<'provider' | 'model'>;
  queueWait: BucketedHistogram<'provider'>;
  inFlight: Gauge<'provider'>;
  shed: Counter<'provider' | 'scope'>;
  cacheLookups: Counter<'result'>;
  quotaRefusals: Counter<'plan'>;
  /** 0 closed, 1 half-open, 2 open, 3 isolated (held open by an operator). */
  circuitState: Gauge<'provider'>;
}

export const CIRCUIT_STATE_VALUES: Record<string, number> = { closed: 0, 'half-open': 1, open: 2, isolated: 3 };

const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createAiMetrics(registry: Registry): AiMetrics {
  const registers = [registry];
  return {
    requests: new Counter({
      name: 'versaai_ai_requests_total', help: 'Finished AI responses, by provider, model, final status and source (chat or api)',
      labelNames: ['provider', 'model', 'status', 'source'] as const, registers,
    }),
    tokens: new Counter({
      name: 'versaai_ai_tokens_total', help: 'Tokens in (prompt) and out (completion), by provider and model',
      labelNames: ['provider', 'model', 'direction'] as const, registers,
    }),
    costUsd: new Counter({
      name: 'versaai_ai_cost_usd_total', help: 'Cost in USD of AI responses, by provider and model',
      labelNames: ['provider', 'model'] as const, registers,
    }),
    timeToFirstToken: new BucketedHistogram({
      name: 'versaai_ai_time_to_first_token_seconds', help: 'Time from admission to the first delta, by provider and model',
      labelNames: ['provider', 'model'] as const, buckets: LATENCY_BUCKETS_SECONDS, registers,
    }),
    queueWait: new BucketedHistogram({
      name: 'versaai_ai_queue_wait_seconds', help: 'Time a request waited in the admission queue, by provider',
      labelNames: ['provider'] as const, buckets: LATENCY_BUCKETS_SECONDS, registers,
    }),
    inFlight: new Gauge({
      name: 'versaai_ai_in_flight', help: 'Provider calls running now, by provider',
      labelNames: ['provider'] as const, registers,
    }),
    shed: new Counter({
      name: 'versaai_ai_shed_total', help: 'Requests refused because the admission queue was full, by provider and scope (user or global)',
      labelNames: ['provider', 'scope'] as const, registers,
    }),
    cacheLookups: new Counter({
      name: 'versaai_ai_cache_lookups_total', help: 'Exact response cache lookups, by result: hit (stored answer), shared (an identical request in flight answered it), miss',
      labelNames: ['result'] as const, registers,
    }),
    quotaRefusals: new Counter({
      name: 'versaai_ai_quota_refusals_total', help: 'Requests refused by the daily quota, by plan',
      labelNames: ['plan'] as const, registers,
    }),
    circuitState: new Gauge({
      name: 'versaai_ai_circuit_state', help: 'Circuit breaker state per provider: 0 closed, 1 half-open, 2 open, 3 isolated',
      labelNames: ['provider'] as const, registers,
    }),
  };
}
