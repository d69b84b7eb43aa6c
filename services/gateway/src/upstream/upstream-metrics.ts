import { Counter, Gauge } from 'prom-client';
import type { Metrics } from '@versaai/kernel';
import type { ServicePool } from './service-pool.ts';

export type Outcome = 'ok' | 'upstream_error' | 'timeout' | 'connect_error' | 'error' | 'unavailable';

export type RecordOutcome = (service: string, outcome: Outcome) => void;

const STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * versaai_gateway_upstream_requests_total{service,outcome} counts every attempt (a retried
 * request counts twice); versaai_gateway_upstream_breaker_state{service,replica} is read from
 * the breakers at scrape time (0 closed, 1 half-open, 2 open),
 * versaai_gateway_upstream_healthy{service,replica} from the active checks and
 * versaai_gateway_upstream_in_flight{service,replica} from the balancer's counts.
 */
export function registerUpstreamMetrics(metrics: Metrics | undefined, pools: readonly ServicePool[]): RecordOutcome {
  if (!metrics) return () => {};
  const registers = [metrics.registry];
  const requests = new Counter({
    name: 'versaai_gateway_upstream_requests_total',
    help: 'Proxied calls to upstream replicas, by service and outcome',
    labelNames: ['service', 'outcome'] as const,
    registers,
  });
  new Gauge({
    name: 'versaai_gateway_upstream_breaker_state',
    help: 'Circuit breaker of each upstream replica: 0 closed, 1 half-open, 2 open',
    labelNames: ['service', 'replica'] as const,
    registers,
    collect() {
      for (const pool of pools) {
        for (const replica of pool.replicas) this.set({ service: pool.service, replica: replica.origin }, STATE_VALUE[replica.breaker.state]);
      }
    },
  });
  new Gauge({
    name: 'versaai_gateway_upstream_healthy',
    help: 'Last active health check (GET /ready) of each upstream replica: 1 ready, 0 not',
    labelNames: ['service', 'replica'] as const,
    registers,
    collect() {
      for (const pool of pools) {
        for (const replica of pool.replicas) this.set({ service: pool.service, replica: replica.origin }, replica.healthy ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'versaai_gateway_upstream_in_flight',
    help: 'Proxied calls under way to each upstream replica (what least-in-flight balances on)',
    labelNames: ['service', 'replica'] as const,
    registers,
    collect() {
      for (const pool of pools) {
        for (const replica of pool.replicas) this.set({ service: pool.service, replica: replica.origin }, replica.inFlight);
      }
    },
  });
  return (service, outcome) => requests.inc({ service, outcome });
}
