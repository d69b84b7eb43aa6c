import { Agent, request } from 'undici';
import type { Logger } from '@versaai/kernel';
import type { Replica } from './replica.ts';

export interface ActiveHealthOptions {
  replicas: readonly Replica[];
  intervalMs: number;
  timeoutMs: number;
  logger: Logger;
}

export interface ActiveHealth {
  /** Runs one round of checks now (also what the timer does). */
  checkNow(): Promise<void>;
  stop(): Promise<void>;
}

async function isReady(agent: Agent, origin: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await request(`${origin}/ready`, {
      dispatcher: agent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body.dump();
    return response.statusCode === 200;
  } catch {
    return false;
  }
}

/**
 * Asks every replica's /ready on a timer and takes a replica out while it answers anything
 * but 200 (or nothing). Rounds never overlap: a slow round makes the next one wait. The
 * checks use their own small pool so they never queue behind proxied traffic.
 */
export function startActiveHealth(opts: ActiveHealthOptions): ActiveHealth {
  const agent = new Agent({ connections: 2, keepAliveTimeout: Math.max(opts.intervalMs * 2, 4_000) });
  let round: Promise<void> | undefined;
  let stopped = false;

  const checkNow = (): Promise<void> => (round ??= (async () => {
    await Promise.all(opts.replicas.map(async (replica) => {
      const ready = await isReady(agent, replica.origin, opts.timeoutMs);
      if (stopped || ready === replica.healthy) return;
      replica.healthy = ready;
      const fields = { service: replica.service, replica: replica.origin };
      if (ready) opts.logger.info(fields, 'upstream replica is ready again; back in rotation');
      else opts.logger.warn(fields, 'upstream replica failed its readiness check; out of rotation');
    }));
  })().finally(() => { round = undefined; }));

  const timer = opts.intervalMs > 0 ? setInterval(() => { void checkNow(); }, opts.intervalMs) : undefined;
  // Health checks alone must not keep a process alive.
  timer?.unref();
  if (timer) void checkNow();

  return {
    checkNow,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await round;
      await agent.close();
    },
  };
}
