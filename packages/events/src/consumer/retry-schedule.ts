export interface PendingRef {
  stream: string;
  id: string;
}

/** This consumer's failed entries waiting for their backoff, to be re-delivered with transport.retry. */
export class RetrySchedule {
  private readonly due = new Map<string, PendingRef & { dueAt: number }>();

  schedule(entry: PendingRef, dueAt: number): void {
    this.due.set(keyOf(entry), { stream: entry.stream, id: entry.id, dueAt });
  }

  /** The entry is being handled again (reclaimed or re-read), so its scheduled retry is void. */
  forget(entry: PendingRef): void {
    this.due.delete(keyOf(entry));
  }

  /** Removes and returns up to `limit` entries whose time has come, earliest first. */
  takeDue(now: number, limit: number): PendingRef[] {
    const ready = [...this.due.values()]
      .filter((entry) => entry.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt)
      .slice(0, limit);
    for (const entry of ready) this.due.delete(keyOf(entry));
    return ready.map(({ stream, id }) => ({ stream, id }));
  }

  /** When the earliest retry is due; Infinity when none is scheduled. */
  nextDueAt(): number {
    let earliest = Infinity;
    for (const entry of this.due.values()) earliest = Math.min(earliest, entry.dueAt);
    return earliest;
  }

  get size(): number {
    return this.due.size;
  }
}

function keyOf(entry: PendingRef): string {
  return `${entry.stream}\u0000${entry.id}`;
}
