import type { Generator } from '../generation/types.ts';

/** A model as /v1/models lists it. */
export interface ListedModel {
  id: string;
  provider: string;
}

/** What the pipeline needs from the generation core (ai-core's registry, providers and generator). */
export interface GenerationCore {
  generator: Generator;
  /** Models the plan may use now, the default first. */
  availableModels(plan: string): ListedModel[];
  /** Circuit breaker state changes per provider (closed, half-open, open, isolated), for the metrics. */
  onCircuitStateChange?(listener: (provider: string, state: string) => void): void;
  close?(): Promise<void>;
}
