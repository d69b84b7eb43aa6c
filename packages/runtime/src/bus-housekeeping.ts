import type { Logger, ShutdownStep } from '@versaai/kernel';
import { eventTypes, pruneInbox, replayStreamFor, streamFor, type BusTransport } from '@versaai/events';
import type { Database } from '@versaai/storage';
import type { PlatformConfig } from './platform-config.ts';

// A live consumer reads at least every BUS_BLOCK_MS; one silent this long with nothing pending is gone.
const DEAD_CONSUMER_IDLE_MS = 60 * 60 * 1000;

export interface HousekeptService {
  name: string;
  database: Database;
  /** Whether the service consumes events (has a consumer group). */
  consumes: boolean;
}

/**
 * Keeps the bus and the inboxes from growing forever: trims streams (never past what a live
 * group still needs), forgets dead consumer names, and prunes old inbox rows. Every replica
 * may run it; each step is safe to run concurrently.
 */
export function startBusHousekeeping(opts: {
  transport: BusTransport;
  services: HousekeptService[];
  config: PlatformConfig;
  logger: Logger;
}): ShutdownStep & { runOnce(): Promise<void> } {
  const { transport, services, config } = opts;
  const logger = opts.logger.child({ component: 'bus-housekeeping' });
  const eventStreams = eventTypes.map(streamFor);
  const groups = services.filter((service) => service.consumes).map((service) => service.name);
  const streams = [...eventStreams, ...groups.map(replayStreamFor)];

  async function runOnce(): Promise<void> {
    const trimmed = await transport.trim(streams, {
      retentionMs: config.bus.retentionMs,
      liveGroupIdleMs: config.bus.liveGroupIdleMs,
    });
    let consumersPruned = 0;
    for (const group of groups) {
      consumersPruned += await transport.pruneConsumers(group, [...eventStreams, replayStreamFor(group)], DEAD_CONSUMER_IDLE_MS);
    }
    let inboxPruned = 0;
    for (const service of services) inboxPruned += await pruneInbox(service.database.db, config.bus.inboxRetentionMs);
    if (trimmed + consumersPruned + inboxPruned > 0) logger.info({ trimmed, consumersPruned, inboxPruned }, 'bus housekeeping');
  }

  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= runOnce()
      .catch((error: unknown) => logger.warn({ err: error }, 'bus housekeeping failed; will try again'))
      .finally(() => {
        running = undefined;
      });
  }, config.bus.housekeepingIntervalMs);
  timer.unref();

  return {
    name: 'bus-housekeeping',
    runOnce,
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
