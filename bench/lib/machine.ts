import { cpus, totalmem } from 'node:os';
import pg from 'pg';
import { redisServerVersion } from './redis-scratch.ts';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  redis: string;
  postgres: string | null;
  loadAverageAtStart: number[];
}

async function postgresVersion(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    return rows[0]?.server_version ?? null;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function describeMachine(opts: { redisUrl: string; postgresUrl: string | null; loadAverage: number[] }): Promise<MachineInfo> {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    redis: await redisServerVersion(opts.redisUrl),
    postgres: opts.postgresUrl ? await postgresVersion(opts.postgresUrl) : null,
    loadAverageAtStart: opts.loadAverage.map((value) => Math.round(value * 100) / 100),
  };
}
