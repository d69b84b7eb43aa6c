/**
 * What must be undone if the bench is interrupted (Ctrl-C, SIGTERM) half-way: child processes,
 * the PostgreSQL database, the Redis keys, temp files. Each resource registers its undo when
 * it is created and unregisters it once released normally.
 */
const pending = new Set<() => Promise<unknown>>();

export function onInterrupt(undo: () => Promise<unknown>): () => void {
  pending.add(undo);
  return () => pending.delete(undo);
}

/** Installs SIGINT/SIGTERM handlers that run every pending undo (children first), then exit. */
export function installInterruptHandler(): void {
  let interrupted = false;
  const handler = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`[bench] ${signal}: stopping children and removing what this run created`);
    const undos = [...pending].reverse();
    void (async () => {
      for (const undo of undos) await undo().catch((error: Error) => console.error(`[bench] cleanup failed: ${error.message}`));
      process.exit(130);
    })();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
