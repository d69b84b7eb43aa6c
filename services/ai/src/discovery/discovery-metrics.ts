import { Gauge, type Registry } from 'prom-client';
import type { DiscoveryStatus } from './model-discovery.ts';

function gauge(registry: Registry, name: string, help: string): Gauge<'provider'> {
  // One registry may host several AI cores (tests host several platforms): reuse the gauge.
  const existing = registry.getSingleMetric(name);
  return (existing as Gauge<'provider'> | undefined) ?? new Gauge({ name, help, labelNames: ['provider'] as const, registers: [registry] });
}

/** Gauges of model discovery, per provider: whether the last read worked and how many models it kept. */
export function discoveryMetrics(registry: Registry): (status: DiscoveryStatus) => void {
  const up = gauge(registry, 'versaai_ai_model_discovery_up', 'Model discovery per provider: 1 the last GET /models read worked, 0 it failed (the last known list stays)');
  const models = gauge(registry, 'versaai_ai_discovered_models', 'Models listed by the provider at the last good GET /models read');
  return (status) => {
    up.set({ provider: status.provider }, status.up ? 1 : 0);
    models.set({ provider: status.provider }, status.models);
  };
}
