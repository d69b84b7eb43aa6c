import type { Plan } from './plans.ts';
import type { QuotaCounters } from './quota-store.ts';

interface Known { day: string; messages: number; tokens: number; pending: number }

/**
 * What this process last learnt from the store of each user's daily counters, plus its own
 * reservations still on their way there. When that view leaves room for one more message,
 * /v1 starts the upstream call while the store takes the reservation (the store stays the
 * only authority: a refused reservation aborts the call before any byte reaches the client).
 * When the view is unknown or full, the reservation comes first, so a user who is out of
 * quota costs no upstream call; a view gone stale because another process spent the quota
 * costs at most the start of a call per user.
 */
export class QuotaHeadroom {
  private readonly known = new Map<string, Known>();

  constructor(private readonly maxUsers = 100_000) {}

  /** True when the store's last word, less what is in flight here, leaves a message and some tokens. */
  hasRoom(userId: string, day: string, plan: Plan): boolean {
    const known = this.known.get(userId);
    if (!known || known.day !== day) return false;
    return known.messages + known.pending < plan.dailyMessages && known.tokens < plan.dailyTokens;
  }

  /** A reservation was sent to the store on the strength of hasRoom. */
  begin(userId: string, day: string): void {
    const known = this.known.get(userId);
    if (known && known.day === day) known.pending += 1;
  }

  /** The store's answer to a reservation (begun here or not); undefined when it refused. */
  settle(userId: string, day: string, plan: Plan, counters: QuotaCounters | undefined, begun: boolean): void {
    let known = this.known.get(userId);
    if (!known || known.day !== day) {
      if (this.known.size >= this.maxUsers) this.known.clear();
      known = { day, messages: 0, tokens: 0, pending: 0 };
      this.known.set(userId, known);
    } else if (begun) {
      known.pending = Math.max(0, known.pending - 1);
    }
    if (counters) {
      known.messages = counters.messages;
      known.tokens = counters.tokens;
    } else {
      // Refused: the store says messages or tokens are used up; either way, no room.
      known.messages = Math.max(known.messages, plan.dailyMessages);
    }
  }

  /** A reservation taken before was given back (the request was shed unanswered). */
  released(userId: string, day: string): void {
    const known = this.known.get(userId);
    if (known && known.day === day) known.messages = Math.max(0, known.messages - 1);
  }

  /** Tokens charged to the store by this process after an answer. */
  charged(userId: string, day: string, tokens: number): void {
    const known = this.known.get(userId);
    if (known && known.day === day) known.tokens += tokens;
  }
}
