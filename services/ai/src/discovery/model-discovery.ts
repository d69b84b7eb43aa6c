import { outageLog, type Logger } from '@versaai/kernel';
import type { DiscoverySettings } from '../config.ts';
import type { ResolvedModel } from '../generation/types.ts';
import { modelSpec, type DiscoveredModelDefaults, type ProviderSpec } from '../providers/catalog.ts';
import { fetchModelList } from './fetch-model-list.ts';
import { parseModelList, type ListedModel } from './model-list.ts';

/** What discovery changes: the registry's view of one provider's models. */
export interface DiscoveryTarget {
  setDiscovered(provider: string, models: readonly ResolvedModel[]): void;
}

export interface DiscoveryStatus {
  provider: string;
  /** The last read succeeded. */
  up: boolean;
  /** Models of the last good list (kept while reads fail). */
  models: number;
}

export interface ModelDiscoveryOptions {
  /** Providers with `discovery` set; others are ignored. */
  providers: readonly ProviderSpec[];
  settings: DiscoverySettings;
  target: DiscoveryTarget;
  logger: Logger;
  /** After every read, for metrics. */
  onStatus?(status: DiscoveryStatus): void;
}

export interface ModelDiscovery {
  /** Reads every provider once (failures are logged, never thrown), then polls every interval. */
  start(): Promise<void>;
  /** Reads every provider now (tests, or an operator's refresh). */
  refresh(): Promise<void>;
  status(): DiscoveryStatus[];
  stop(): void;
}

/** A listed model as a registry model: free, the provider's defaults unless the server told its window. */
export function discoveredModel(provider: string, listed: ListedModel, defaults: DiscoveredModelDefaults): ResolvedModel {
  const contextWindow = listed.contextWindow ?? defaults.contextWindow;
  // A reported window may be smaller than the default reply: keep half of it for the prompt.
  const maxOutputTokens = Math.max(1, Math.min(defaults.maxOutputTokens, listed.contextWindow === undefined ? Infinity : Math.floor(contextWindow / 2)));
  return modelSpec(provider, { id: listed.id, upstreamModel: listed.id, contextWindow, maxOutputTokens, inputPricePerMillion: 0, outputPricePerMillion: 0 });
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'timed out';
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}

/**
 * Reads the OpenAI-compatible GET /models of providers configured for discovery and hands the
 * lists to the registry. A failed read changes nothing: the last good list stays, and a warning
 * is logged once per streak of failures (not at every poll), with an info line on recovery.
 */
export function createModelDiscovery(opts: ModelDiscoveryOptions): ModelDiscovery {
  const specs = opts.providers.filter((provider) => provider.discovery && provider.baseUrl);
  const outageMessages = {
    down: 'ai: model discovery failed; the last known models stay until it recovers',
    up: 'ai: model discovery recovered',
  };
  const state = new Map(specs.map((spec) => [spec.id, { up: false, models: 0, outage: outageLog(opts.logger, outageMessages) }]));
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function read(spec: ProviderSpec): Promise<void> {
    const current = state.get(spec.id)!;
    try {
      const list = parseModelList(await fetchModelList({ baseUrl: spec.baseUrl!, apiKey: spec.apiKey, headers: spec.headers }, opts.settings.timeoutMs));
      if (stopped) return;
      opts.target.setDiscovered(spec.id, list.models.map((listed) => discoveredModel(spec.id, listed, spec.discovery!)));
      current.outage.answered({ provider: spec.id, models: list.models.length });
      if ((list.truncated || list.rejected > 0) && !current.up) {
        opts.logger.warn({ provider: spec.id, kept: list.models.length, rejected: list.rejected, truncated: list.truncated }, 'ai: model discovery skipped entries of the model list');
      }
      Object.assign(current, { up: true, models: list.models.length });
    } catch (error) {
      current.outage.failed({ provider: spec.id, reason: reason(error), keptModels: current.models });
      current.up = false;
    }
    opts.onStatus?.({ provider: spec.id, up: current.up, models: current.models });
  }

  const round = () => Promise.all(specs.map(read)).then(() => undefined);

  const schedule = () => {
    if (stopped || opts.settings.intervalMs === 0) return;
    // A chained timeout, not an interval: a slow provider never gets two reads at once.
    timer = setTimeout(() => {
      void round().finally(schedule);
    }, opts.settings.intervalMs);
    timer.unref();
  };

  return {
    async start() {
      if (specs.length === 0) return;
      await round();
      schedule();
    },
    refresh: round,
    status: () => specs.map((spec) => ({ provider: spec.id, up: state.get(spec.id)!.up, models: state.get(spec.id)!.models })),
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
