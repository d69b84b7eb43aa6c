import autocannon from 'autocannon';
import { round, summarizeLatencies } from './stats.ts';

/** One HTTP request shape the load generator repeats. */
export interface LoadTarget {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** One body per connection, in turn (e.g. one user per connection); overrides `body`. */
  bodies?: string[];
}

export interface LoadPhase { connections: number; warmupSeconds: number; seconds: number }

export interface LoadResult {
  connections: number;
  seconds: number;
  /** Responses with a 2xx status per second of the measured run. */
  rps: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCounts: Record<string, number>;
  /** Exact percentiles (nearest rank) over every 2xx response time of the measured run, ms. */
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  /** autocannon's own hdr-histogram figures for the same run (1 ms resolution), for comparison. */
  autocannonLatencyMs: { p50: number; p97_5: number; p99: number; max: number };
  /**
   * CPU the servers used during the measured run, per response (µs) and in cores busy; the load
   * generator's (this process) in cores busy. Null where /proc is not available.
   */
  cpu: { serverMicrosPerRequest: number; serverCores: number; loadGeneratorCores: number } | null;
}

function bodyPerConnection(bodies: string[]): (client: autocannon.Client) => void {
  let next = 0;
  return (client) => client.setBody(bodies[next++ % bodies.length]!);
}

function runOnce(target: LoadTarget, connections: number, seconds: number, samples?: number[]): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: target.url,
      method: target.method ?? 'GET',
      headers: target.headers,
      body: target.body,
      connections,
      duration: seconds,
      pipelining: 1,
      timeout: 10,
      ...(target.bodies && target.bodies.length > 0 ? { setupClient: bodyPerConnection(target.bodies) } : {}),
    }, (error: unknown, result: autocannon.Result) => (error ? reject(error as Error) : resolve(result)));
    // Response times arrive as floats (hrtime); autocannon's histogram keeps whole milliseconds,
    // too coarse for a p50 of one or two ms, so the samples are kept here.
    if (samples) {
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        if (statusCode >= 200 && statusCode < 300) samples.push(responseTime);
      });
    }
  });
}

const DRAIN_MS = 2_000;

/** A warm-up (discarded: JIT, pools, caches) then the measured run, at one connection count. */
export async function measureLoad(target: LoadTarget, phase: LoadPhase, serverCpuSeconds: () => number | undefined = () => undefined): Promise<LoadResult> {
  if (phase.warmupSeconds > 0) {
    await runOnce(target, phase.connections, phase.warmupSeconds);
    // autocannon drops its sockets at the end of a run; the server finishes what was in flight.
    // Let that drain, or the measured run starts with twice the concurrency (auth's per-address
    // login throttle then answers 429 to the excess).
    await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
  }
  const samples: number[] = [];
  const serverCpuBefore = serverCpuSeconds();
  const ownCpuBefore = process.cpuUsage();
  const result = await runOnce(target, phase.connections, phase.seconds, samples);
  const serverCpuAfter = serverCpuSeconds();
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const responses = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  const cpu = serverCpuBefore === undefined || serverCpuAfter === undefined || responses === 0 ? null : {
    serverMicrosPerRequest: round(((serverCpuAfter - serverCpuBefore) * 1e6) / responses, 0),
    serverCores: round((serverCpuAfter - serverCpuBefore) / result.duration),
    loadGeneratorCores: round((ownCpu.user + ownCpu.system) / 1e6 / result.duration),
  };
  const latency = summarizeLatencies(samples);
  const statusCounts: Record<string, number> = {};
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) statusCounts[status] = stats.count ?? 0;
  return {
    connections: phase.connections,
    seconds: result.duration,
    rps: round(result['2xx'] / result.duration, 0),
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCounts,
    latencyMs: { p50: round(latency.p50), p95: round(latency.p95), p99: round(latency.p99), max: round(latency.max), mean: round(latency.mean) },
    autocannonLatencyMs: { p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99, max: result.latency.max },
    cpu,
  };
}
