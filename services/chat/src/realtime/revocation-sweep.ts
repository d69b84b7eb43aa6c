import { outageLog, type Logger } from '@versaai/kernel';
import type { RevocationList } from '@versaai/storage';
import type { Beating } from './heartbeat.ts';

/** A connection the heartbeat visits that ends when its token's session is revoked. */
export interface Revocable extends Beating {
  /** What the token's revocation is keyed by: its session id, or `ak_<id>` for an API key's token. */
  readonly sessionId: string;
  /** The session was revoked: end the connection as for an invalid token. */
  revoked(): void;
}

/**
 * The heartbeat's `afterSlice`: re-checks the sessions of one slice of open connections against
 * the revocation list, so a revoked session (sign-out everywhere, password change, disabled
 * account, one session ended) loses its streams within one heartbeat interval instead of when
 * its token expires. Each distinct session id of the slice is asked once, all in one call.
 *
 * Fails open like the check at connect time: these tokens were verified and are short-lived,
 * and a Redis outage must not cut every stream. The outage is logged once at warn (and its end
 * at info), not once per slice or per connection.
 */
export function revocationSweep(revocations: RevocationList, logger: Logger): (slice: ReadonlySet<Revocable>) => void {
  // A slice whose previous check has not answered yet is skipped (a slow list never piles up calls).
  const checking = new WeakSet<ReadonlySet<Revocable>>();
  const outage = outageLog(logger, {
    down: 'revocation list unreachable: open streams stay open until it answers',
    up: 'revocation list answers again: open streams of revoked sessions are closed again',
  });

  function closeRevoked(slice: ReadonlySet<Revocable>, ids: string[], answers: boolean[]): void {
    outage.answered();
    if (!answers.includes(true)) return;
    const revoked = new Set(ids.filter((_, index) => answers[index]));
    // Members that left meanwhile are gone from the slice; those that joined with a revoked id are closed too.
    for (const member of slice) if (revoked.has(member.sessionId)) member.revoked();
  }

  return (slice) => {
    if (slice.size === 0 || checking.has(slice)) return;
    const ids = new Set<string>();
    for (const member of slice) ids.add(member.sessionId);
    const asked = [...ids];
    checking.add(slice);
    revocations.areRevoked(asked)
      .then((answers) => closeRevoked(slice, asked, answers), (error: unknown) => outage.failed({ err: error }))
      .catch((error: unknown) => logger.error({ err: error }, 'closing the streams of revoked sessions failed'))
      .finally(() => checking.delete(slice));
  };
}
