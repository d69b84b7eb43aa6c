import type { ProxySettings } from '../gateway-config.ts';
import { createBalancer, type Balancer } from './balancer.ts';
import { Replica } from './replica.ts';

/** The replicas of one service and how the next one is chosen. */
export interface ServicePool {
  service: string;
  replicas: readonly Replica[];
  pick: Balancer;
  /** Seconds a client should wait before retrying when no replica is available (at least 1). */
  retryAfterSeconds(): number;
}

export function createServicePool(service: string, origins: readonly string[], settings: ProxySettings): ServicePool {
  const replicas = origins.map((origin) => new Replica(service, origin, {
    failureThreshold: settings.breakerFailures,
    cooldownMs: settings.breakerCooldownMs,
  }));
  return {
    service,
    replicas,
    pick: createBalancer(settings.balancer, replicas),
    retryAfterSeconds() {
      // The soonest moment a replica may come back: an open breaker's cool-down, or the next
      // health check for one that failed /ready.
      const waits = replicas.map((replica) => (replica.healthy
        ? replica.breaker.remainingCooldownMs()
        : Math.max(replica.breaker.remainingCooldownMs(), settings.healthIntervalMs)));
      return Math.max(1, Math.ceil(Math.min(...waits) / 1000));
    },
  };
}
