import type { FastifyInstance } from 'fastify';
import { ProblemError } from './errors.ts';
import type { Metrics } from './metrics.ts';
import { sendProblem } from './problem-handlers.ts';

/** A dependency the process needs to serve traffic; `check` throws when it is not ready. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

type CheckOutcome = 'ok' | 'failed' | 'timed out';

class CheckTimeout extends Error {}

function withTimeout(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function registerProbes(app: FastifyInstance, opts: { metrics: Metrics; readiness: ReadinessCheck[]; readinessTimeoutMs: number }): void {
  // Probes are hit every few seconds by orchestrators: only their failures are worth a log line.
  const quiet = { logLevel: 'warn' as const };

  app.get('/health', quiet, async () => ({ status: 'ok' }));

  app.get('/ready', quiet, async (request, reply) => {
    const outcomes = await Promise.all(opts.readiness.map(async ({ name, check }): Promise<[string, CheckOutcome]> => {
      try {
        // Promise.resolve().then guards against a check that throws synchronously.
        await withTimeout(Promise.resolve().then(check), opts.readinessTimeoutMs);
        return [name, 'ok'];
      } catch (error) {
        request.log.warn({ err: error, check: name }, 'readiness check failed');
        return [name, error instanceof CheckTimeout ? 'timed out' : 'failed'];
      }
    }));
    const checks = Object.fromEntries(outcomes);
    const failing = outcomes.filter(([, outcome]) => outcome !== 'ok').map(([name]) => name);
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
