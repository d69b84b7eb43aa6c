import type { Logger, ShutdownStep } from '@versaai/kernel';

/** One shutdown step that closes several things at once; it fails naming each part that failed. */
export function parallelStep(name: string, parts: ShutdownStep[]): ShutdownStep {
  return {
    name: `${name} (${parts.map((part) => part.name).join(', ') || 'none'})`,
    async close() {
      const results = await Promise.allSettled(parts.map((part) => part.close()));
      const failed = parts.filter((_part, index) => results[index]!.status === 'rejected');
      if (failed.length > 0) {
        const reasons = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
        throw new AggregateError(reasons, `${failed.map((part) => part.name).join(', ')} failed to close`);
      }
    },
  };
}

/** Runs every step in order; a failed step is logged and the next one still runs. */
export async function runSteps(steps: ShutdownStep[], logger: Logger): Promise<void> {
  for (const step of steps) {
    try {
      await step.close();
    } catch (error) {
      logger.error({ err: error, step: step.name }, 'shutdown step failed');
    }
  }
}
