import { installGracefulShutdown } from '@versaai/kernel';
import { startPlatform } from '@versaai/runtime';
import { allServices, gateway } from '../services.ts';
import { selectServices } from '../select-services.ts';

/** `versaai start [--service a,b]`: serves until SIGTERM/SIGINT, then shuts down gracefully. */
export async function startCommand(opts: { service?: string }): Promise<void> {
  const selection = selectServices(allServices, opts.service);
  const platform = await startPlatform({
    services: selection.services,
    gateway: selection.gateway ? gateway : undefined,
    separateProcesses: selection.separateProcesses,
  });
  installGracefulShutdown({ logger: platform.logger, deadlineMs: platform.config.shutdownDeadlineMs, steps: platform.steps });
}
