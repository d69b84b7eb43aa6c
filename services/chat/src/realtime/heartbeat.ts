/** Something a heartbeat visits: it answers whether it is still alive and, if so, is pinged. */
export interface Beating {
  beat(): void;
}

/**
 * One interval for every connection of the process instead of a timer each: with ten
 * thousand idle sockets, one sweep costs less than ten thousand timers.
 */
export function startHeartbeat(intervalMs: number) {
  const members = new Set<Beating>();
  const timer = setInterval(() => {
    for (const member of members) member.beat();
  }, intervalMs);
  timer.unref();
  return {
    add(member: Beating): () => void {
      members.add(member);
      return () => members.delete(member);
    },
    stop() {
      clearInterval(timer);
      members.clear();
    },
  };
}

export type Heartbeat = ReturnType<typeof startHeartbeat>;
