import type { Logger } from './logger.ts';

/** What a dependency's outage says in the log: once when it starts, once when it ends. */
export interface OutageLog {
  /** A call failed: logged at warn only if the dependency was answering until now. */
  failed(fields: Record<string, unknown>): void;
  /** A call succeeded: logged at info only if it ends an outage. */
  answered(fields?: Record<string, unknown>): void;
  readonly failing: boolean;
}

/**
 * For a dependency called on every tick or request (Redis, a provider's model list): a log
 * line per failed call would flood the log while it is down, so only the edges of an outage
 * are logged.
 */
export function outageLog(logger: Logger, messages: { down: string; up: string }): OutageLog {
  let failing = false;
  return {
    failed(fields) {
      if (failing) return;
      failing = true;
      logger.warn(fields, messages.down);
    },
    answered(fields) {
      if (!failing) return;
      failing = false;
      if (fields) logger.info(fields, messages.up);
      else logger.info(messages.up);
    },
    get failing() {
      return failing;
    },
  };
}
