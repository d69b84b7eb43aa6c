import { installGracefulShutdown } from '@versaai/kernel';
import { parsePlatformConfig, startPlatform } from '@versaai/runtime';

/** `versaai start [--service a,b]`: serves until SIGTERM/SIGINT, then shuts down gracefully. */
export async function startCommand(opts: { service?: string }): Promise<void> {
  // A bad setting should stop the process before every service's code is loaded.
  parsePlatformConfig(process.env, { separateProcesses: opts.service !== undefined });
  const { allServices, gateway } = await import('../services.ts');
  const { selectServices } = await import('../select-services.ts');
  const selection = selectServices(allServices, opts.service);
  const platform = await startPlatform({
    services: selection.services,
    gateway: selection.gateway ? gateway : undefined,
    separateProcesses: selection.separateProcesses,
  });
  installGracefulShutdown({ logger: platform.logger, deadlineMs: platform.config.shutdownDeadlineMs, steps: platform.steps });
}
