/** Something a heartbeat visits: it answers whether it is still alive and, if so, is pinged. */
export interface Beating {
  beat(): void;
}

/**
 * The connections are visited in this many slices, one slice per tick: each still beats once per
 * interval, but ten thousand pings (and their pongs) no longer go out in one tick, which held
 * every delivery of the process back behind them once per interval.
 */
const SLICES = 16;

export interface Heartbeat<M extends Beating = Beating> {
  /** Adds a member to the smallest slice; the returned function removes it. */
  add(member: M): () => void;
  stop(): void;
}

/**
 * One interval for every connection of the process instead of a timer each: with ten
 * thousand idle sockets, one sweep costs less than ten thousand timers. `afterSlice` sees each
 * slice once its members have beaten (the place for checks that are cheaper in a batch).
 */
export function startHeartbeat<M extends Beating = Beating>(intervalMs: number, afterSlice?: (slice: ReadonlySet<M>) => void): Heartbeat<M> {
  const slices = Array.from({ length: SLICES }, () => new Set<M>());
  let next = 0;
  const timer = setInterval(() => {
    const slice = slices[next]!;
    next = (next + 1) % SLICES;
    for (const member of slice) member.beat();
    afterSlice?.(slice);
  }, intervalMs / SLICES);
  timer.unref();
  return {
    add(member) {
      // The smallest slice, so that slices stay even however connections come and go.
      const slice = slices.reduce((smallest, candidate) => (candidate.size < smallest.size ? candidate : smallest));
      slice.add(member);
      return () => slice.delete(member);
    },
    stop() {
      clearInterval(timer);
      for (const slice of slices) slice.clear();
    },
  };
}
