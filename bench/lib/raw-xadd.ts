import { connectRedis } from './redis-scratch.ts';
import { nowMs } from './stats.ts';

export interface RawXaddResult {
  entries: number;
  batchSize: number;
  payloadBytes: number;
  seconds: number;
  perSecond: number;
}

/**
 * The ceiling the bus is compared with: XADD to a scratch stream in pipelines of the same batch
 * size and payload size, one pipeline in flight at a time (as transport.append is used).
 */
export async function measureRawXadd(opts: { url: string; key: string; entries: number; batchSize: number; payload: string }): Promise<RawXaddResult> {
  const client = connectRedis(opts.url);
  try {
    const startedAt = nowMs();
    for (let sent = 0; sent < opts.entries; sent += opts.batchSize) {
      const pipeline = client.pipeline();
      const size = Math.min(opts.batchSize, opts.entries - sent);
      for (let index = 0; index < size; index++) pipeline.xadd(opts.key, '*', 'payload', opts.payload);
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed) throw failed[0];
    }
    const seconds = (nowMs() - startedAt) / 1000;
    const stored = await client.xlen(opts.key);
    if (stored !== opts.entries) throw new Error(`raw XADD stored ${stored} entries, expected ${opts.entries}`);
    await client.unlink(opts.key);
    return { entries: opts.entries, batchSize: opts.batchSize, payloadBytes: Buffer.byteLength(opts.payload), seconds, perSecond: opts.entries / seconds };
  } finally {
    await client.quit().catch(() => client.disconnect());
  }
}
