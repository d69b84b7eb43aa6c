import { assertValidTtl, type RevocationList } from './revocation-list.ts';

export interface MemoryRevocationListOptions {
  now?: () => number;
  sweepIntervalMs?: number;
}

/** The all-in-one list: the process that revokes is the process that checks. */
export function createMemoryRevocationList(opts: MemoryRevocationListOptions = {}): RevocationList & { size(): number } {
  const now = opts.now ?? Date.now;
  const sweepIntervalMs = opts.sweepIntervalMs ?? 60_000;
  const expiries = new Map<string, number>();
  let lastSweepMs = now();

  function sweep(nowMs: number): void {
    if (nowMs - lastSweepMs < sweepIntervalMs) return;
    lastSweepMs = nowMs;
    for (const [id, expiresAt] of expiries) if (expiresAt <= nowMs) expiries.delete(id);
  }

  function isRevokedNow(id: string): boolean {
    const nowMs = now();
    sweep(nowMs);
    const expiresAt = expiries.get(id);
    return expiresAt !== undefined && expiresAt > nowMs;
  }

  return {
    async revoke(ids, ttlMs) {
      assertValidTtl(ttlMs);
      const expiresAt = now() + ttlMs;
      for (const id of ids) expiries.set(id, Math.max(expiries.get(id) ?? 0, expiresAt));
    },
    async isRevoked(id) {
      return isRevokedNow(id);
    },
    async areRevoked(ids) {
      return ids.map(isRevokedNow);
    },
    isRevokedNow,
    async close() {
      expiries.clear();
    },
    size: () => expiries.size,
  };
}
