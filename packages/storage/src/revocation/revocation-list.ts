/**
 * Ids (sessions, API keys) whose access tokens must stop working before they expire. An entry
 * only needs to outlive the longest token that can carry its id, so every entry has a TTL
 * and the list stays as small as the number of revocations in one token lifetime.
 */
export interface RevocationList {
  revoke(ids: readonly string[], ttlMs: number): Promise<void>;
  isRevoked(id: string): Promise<boolean>;
  /**
   * `isRevoked` of many ids in one round trip: the answers in the order of `ids`. Lets a
   * holder of many long-lived connections re-check them all at once.
   */
  areRevoked(ids: readonly string[]): Promise<boolean[]>;
  /**
   * The same answer without waiting, where the list lives in this process's memory (absent
   * on shared lists). Lets the edge decide a request with no promise at all.
   */
  isRevokedNow?(id: string): boolean;
  close(): Promise<void>;
}

export function assertValidTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs < 1) throw new Error(`Revocation TTL must be a positive integer of ms, got ${ttlMs}`);
}
