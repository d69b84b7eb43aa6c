import type { FastifyInstance } from 'fastify';
import { ProblemError } from './errors.ts';
import type { Metrics } from './metrics.ts';
import { sendProblem } from './problem-handlers.ts';

/** A dependency the process needs to serve traffic; `check` throws when it is not ready. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export type CheckOutcome = 'ok' | 'failed' | 'timed out';

class CheckTimeout extends Error {}

/** Runs `work`, rejecting with a timeout when it takes longer than `timeoutMs`. */
export function withCheckTimeout<T>(work: () => Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  // Promise.resolve().then guards against work that throws synchronously.
  return Promise.race([Promise.resolve().then(work), timeout]).finally(() => clearTimeout(timer));
}

/** Every check at once, each bounded by `timeoutMs`; `onFailure` hears why one failed. */
export function runReadinessChecks(
  checks: readonly ReadinessCheck[],
  timeoutMs: number,
  onFailure: (name: string, error: unknown) => void = () => {},
): Promise<Array<{ name: string; outcome: CheckOutcome }>> {
  return Promise.all(checks.map(async ({ name, check }) => {
    try {
      await withCheckTimeout(check, timeoutMs);
      return { name, outcome: 'ok' as const };
    } catch (error) {
      onFailure(name, error);
      return { name, outcome: error instanceof CheckTimeout ? 'timed out' as const : 'failed' as const };
    }
  }));
}

export function registerProbes(app: FastifyInstance, opts: { metrics: Metrics; readiness: ReadinessCheck[]; readinessTimeoutMs: number }): void {
  // Probes are hit every few seconds by orchestrators: only their failures are worth a log line.
  const quiet = { logLevel: 'warn' as const };

  app.get('/health', quiet, async () => ({ status: 'ok' }));

  app.get('/ready', quiet, async (request, reply) => {
    const outcomes = await runReadinessChecks(opts.readiness, opts.readinessTimeoutMs, (name, error) => {
      request.log.warn({ err: error, check: name }, 'readiness check failed');
    });
    const checks = Object.fromEntries(outcomes.map(({ name, outcome }) => [name, outcome]));
    const failing = outcomes.filter(({ outcome }) => outcome !== 'ok').map(({ name }) => name);
    if (failing.length === 0) return { status: 'ready', checks };
    // Only names and outcomes: the reasons stay in the log, never in a 5xx body.
    return sendProblem(request, reply, new ProblemError({
      status: 503,
      code: 'NOT_READY',
      detail: `Not ready: ${failing.join(', ')}`,
      extensions: { failing, checks },
    }));
  });

  app.get('/metrics', quiet, async (_request, reply) => {
    const text = await opts.metrics.registry.metrics();
    return reply.type(opts.metrics.registry.contentType).send(text);
  });
}
