import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from '@versaai/kernel';
import type { ServiceContext } from '@versaai/runtime';
import type { Unsubscribe } from '@versaai/storage';
import { claimJobs, renewLeases, type InsertLease, type ResponseJob } from '../jobs/responses-store.ts';

export interface ResponseWorkerOptions {
  ctx: ServiceContext;
  logger: Logger;
  leaseMs: number;
  sweepIntervalMs: number;
  /** Jobs this process holds at once (waiting for admission or running). */
  capacity: number;
  /** Runs one claimed job to its end; the signal aborts when the lease is lost or the worker stops. */
  run(job: ResponseJob, signal: AbortSignal): Promise<void>;
}

/** Why a running job's signal was aborted: not by the user, so the job must not be finalized. */
export class LeaseLost extends Error {
  constructor(reason: 'taken over' | 'shutdown') {
    super(`lease ${reason}`);
    this.name = 'LeaseLost';
  }
}

interface HeldJob {
  controller: AbortController;
  done: Promise<void>;
}

const EXPECT_RETRY_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000];

/**
 * Runs chat response jobs. Jobs are rows (inserted by the message.sent handler); this process
 * takes them with a lease it keeps renewing while it holds them, so if it dies, any replica
 * adopts them once the lease expires. New jobs are claimed at once when the handler announces
 * them (`expect`), and a sweep adopts anything else (missed wake-ups, dead owners' jobs).
 */
export class ResponseWorker {
  readonly owner = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly held = new Map<string, HeldJob>();
  private readonly expected = new Map<string, number>();
  /** Jobs leased by reserve() whose inserting transaction has not ended yet: they count against the capacity. */
  private readonly reserved = new Set<string>();
  private expectTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private unsubscribeCancel: Unsubscribe | undefined;
  private claiming = false;
  private stopped = true;

  constructor(private readonly options: ResponseWorkerOptions) {}

  get running(): number {
    return this.held.size;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.unsubscribeCancel = await this.options.ctx.responseStreams.onCancelRequested((responseId) => this.cancel(responseId));
    this.sweepTimer = setInterval(() => void this.sweep(), this.options.sweepIntervalMs);
    this.renewTimer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.options.leaseMs / 3)));
    void this.sweep();
  }

  /** Stops taking jobs, aborts the running ones and gives their leases back so another process adopts them at once. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.sweepTimer);
    clearInterval(this.renewTimer);
    clearTimeout(this.expectTimer);
    await this.unsubscribeCancel?.();
    for (const job of this.held.values()) job.controller.abort(new LeaseLost('shutdown'));
    await Promise.allSettled([...this.held.values()].map((job) => job.done));
    try {
      await this.options.ctx.db.updateTable('responses').set({ lease_owner: null, lease_expires_at: 0 })
        .where('lease_owner', '=', this.owner).where('status', 'in', ['queued', 'running']).execute();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not release the leases of unfinished responses; they are adopted when the leases expire');
    }
  }

  /**
   * A lease for the job the message.sent handler is about to insert, when this process has room
   * for it: the row is born claimed by this process and runs as soon as the handler's
   * transaction commits (intake()), without the claim's round trips. Undefined when full or
   * stopping: the row is then inserted unclaimed.
   */
  reserve(responseId: string): InsertLease | undefined {
    if (this.stopped || this.held.has(responseId) || this.reserved.has(responseId)) return undefined;
    if (this.held.size + this.reserved.size >= this.options.capacity) return undefined;
    this.reserved.add(responseId);
    return { owner: this.owner, expiresAt: Date.now() + this.options.leaseMs };
  }

  /**
   * The transaction of the handler that inserted `job` has ended. A job it inserted with this
   * process's lease runs at once; any other committed one is claimed like an announced job.
   */
  intake(job: ResponseJob, outcome: { committed: boolean; leased: boolean }): void {
    this.reserved.delete(job.id);
    if (!outcome.committed) return;
    if (!outcome.leased) {
      this.expect(job.id);
      return;
    }
    // Stopping: the lease runs out and a live replica adopts the job.
    if (this.stopped || this.held.has(job.id)) return;
    this.launch(job);
  }

  /** A job exists (inserted and committed) that this process may claim: try at once, then a few more times. */
  expect(responseId: string): void {
    if (this.stopped) return;
    this.expected.set(responseId, 0);
    this.scheduleExpected(0);
  }

  cancel(responseId: string): void {
    this.held.get(responseId)?.controller.abort(new Error('cancel requested'));
  }

  private scheduleExpected(delayMs: number): void {
    if (this.expectTimer || this.stopped) return;
    this.expectTimer = setTimeout(() => {
      this.expectTimer = undefined;
      void this.claimExpected();
    }, delayMs);
  }

  private async claimExpected(): Promise<void> {
    const ids = [...this.expected.keys()].filter((id) => !this.held.has(id));
    if (ids.length === 0) return;
    const claimed = await this.claim(ids);
    for (const job of claimed) this.expected.delete(job.id);
    // Not visible yet (its transaction has not committed) or taken by another replica: try a
    // few more times, then leave it to the sweep.
    let nextDelay = Infinity;
    for (const id of ids) {
      const tries = this.expected.get(id);
      if (tries === undefined) continue;
      if (tries >= EXPECT_RETRY_MS.length) {
        this.expected.delete(id);
        continue;
      }
      this.expected.set(id, tries + 1);
      nextDelay = Math.min(nextDelay, EXPECT_RETRY_MS[tries]!);
    }
    if (nextDelay !== Infinity) this.scheduleExpected(nextDelay);
  }

  private async sweep(): Promise<void> {
    await this.claim(undefined);
  }

  private async claim(ids: string[] | undefined): Promise<ResponseJob[]> {
    if (this.stopped || this.claiming) {
      if (ids) this.scheduleExpected(5);
      return [];
    }
    this.claiming = true;
    try {
      const jobs = await claimJobs(this.options.ctx.db, {
        owner: this.owner, leaseMs: this.options.leaseMs, limit: this.options.capacity - this.held.size, ids, running: [...this.held.keys()],
      });
      for (const job of jobs) if (!this.held.has(job.id)) this.launch(job);
      return jobs;
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not claim response jobs; retrying on the next sweep');
      return [];
    } finally {
      this.claiming = false;
    }
  }

  private launch(job: ResponseJob): void {
    const controller = new AbortController();
    const held: HeldJob = { controller, done: Promise.resolve() };
    this.held.set(job.id, held);
    held.done = this.options.run(job, controller.signal)
      .catch((error: unknown) => this.options.logger.error({ err: error, responseId: job.id }, 'response job failed unexpectedly; it is retried when its lease expires'))
      .finally(() => {
        this.held.delete(job.id);
        // A free slot: jobs may be waiting for one.
        if (!this.stopped && this.held.size === this.options.capacity - 1) void this.sweep();
      });
  }

  private async renew(): Promise<void> {
    if (this.stopped || this.held.size === 0) return;
    try {
      const asked = [...this.held.keys()];
      const kept = await renewLeases(this.options.ctx.db, this.owner, asked, this.options.leaseMs);
      // Only the jobs this renewal asked about: one launched while it ran was not in it, and
      // aborting that one as "taken over" left it leased, unfinished, until its lease ran out.
      for (const id of asked) if (!kept.has(id)) this.held.get(id)?.controller.abort(new LeaseLost('taken over'));
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not renew response leases');
    }
  }
}
