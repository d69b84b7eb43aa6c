import type { FastifyInstance } from 'fastify';
import type { Logger } from './logger.ts';

export interface ShutdownStep {
  name: string;
  close(): Promise<void>;
}

export interface GracefulShutdownOptions {
  logger: Logger;
  /** The whole shutdown must finish within this; past it the process exits with 1. */
  deadlineMs: number;
  /** Run in order: HTTP server first (stop accepting, drain), then consumers, relays, pools. */
  steps: ShutdownStep[];
  signals?: NodeJS.Signals[];
  exit?: (code: number) => void;
}

export interface GracefulShutdown {
  shutdown(reason: string): Promise<void>;
}

const DEFAULT_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/** The step that stops a Fastify app accepting connections and waits for in-flight requests. */
export function httpServerStep(app: FastifyInstance, name = 'http'): ShutdownStep {
  return { name, close: () => app.close() };
}

export function installGracefulShutdown(opts: GracefulShutdownOptions): GracefulShutdown {
  const log = opts.logger;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let running: Promise<void> | undefined;
  let currentStep: string | undefined;
  let exited = false;

  const exitOnce = (code: number) => {
    if (exited) return;
    exited = true;
    exit(code);
  };

  async function runSteps(reason: string): Promise<void> {
    log.info({ reason, deadlineMs: opts.deadlineMs }, 'shutdown started');
    // Deliberately not unref'd: a hung step with nothing else pending must still hit the deadline.
    const deadline = setTimeout(() => {
      log.error({ step: currentStep, deadlineMs: opts.deadlineMs }, `shutdown deadline passed while step "${currentStep}" was running`);
      exitOnce(1);
    }, opts.deadlineMs);
    let failed = false;
    for (const step of opts.steps) {
      if (exited) return;
      currentStep = step.name;
      log.info({ step: step.name }, 'shutdown step started');
      try {
        await step.close();
        log.info({ step: step.name }, 'shutdown step finished');
      } catch (error) {
        // Later steps still run: a failed consumer must not leave the database pool open.
        failed = true;
        log.error({ err: error, step: step.name }, 'shutdown step failed');
      }
    }
    clearTimeout(deadline);
    currentStep = undefined;
    log.info({ failed }, 'shutdown finished');
    exitOnce(failed ? 1 : 0);
  }

  function shutdown(reason: string): Promise<void> {
    running ??= runSteps(reason);
    return running;
  }

  for (const signal of opts.signals ?? DEFAULT_SIGNALS) {
    process.on(signal, () => {
      if (running) {
        log.error({ signal, step: currentStep }, 'second shutdown signal: exiting now');
        exitOnce(1);
        return;
      }
      void shutdown(signal);
    });
  }

  return { shutdown };
}
