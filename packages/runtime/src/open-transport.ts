import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { createEmbeddedTransport, createRedisTransport, type BusTransport, type TransportLogger } from '@versaai/events';
import type { PlatformConfig } from './platform-config.ts';

/** Redis Streams when REDIS_URL is set, else the durable embedded bus in `<dataDir>/bus.db`. */
export async function openTransport(
  config: Pick<PlatformConfig, 'redisUrl' | 'redisPrefix' | 'dataDir'>,
  logger?: TransportLogger,
): Promise<BusTransport> {
  if (config.redisUrl) return createRedisTransport({ url: config.redisUrl, prefix: config.redisPrefix, logger });
  await mkdir(config.dataDir, { recursive: true });
  return createEmbeddedTransport({ file: join(config.dataDir, 'bus.db') });
}

export function describeTransport(config: Pick<PlatformConfig, 'redisUrl' | 'redisPrefix' | 'dataDir'>): string {
  return config.redisUrl ? `redis (prefix ${config.redisPrefix})` : `embedded ${join(config.dataDir, 'bus.db')}`;
}
