import type { ServiceContext } from '@versaai/runtime';
import type { Generator } from '../generation/types.ts';
import { AdmissionQueue } from '../admission/admission-queue.ts';
import { createRedisAnswerStore } from '../cache/redis-answer-store.ts';
import { ResponseCache } from '../cache/response-cache.ts';
import { createAiMetrics, type AiMetrics } from '../metrics/ai-metrics.ts';
import { ErasedUsers } from '../privacy/erased-users.ts';
import type { IntakeQuota } from '../handlers/message-sent.ts';
import type { Plan } from '../quota/plans.ts';
import { releaseMessage, reserveMessage } from '../quota/quota-store.ts';
import { utcDay } from '../quota/utc-day.ts';
import type { ExecutionDeps } from './execute-generation.ts';
import { parsePipelineConfig, type PipelineConfig } from './pipeline-config.ts';
import { ResponseWorker } from './response-worker.ts';
import { runResponse, type RunResponseDeps } from './run-response.ts';

/** Everything one process of the AI service shares between its event handler, worker and routes. */
export interface Pipeline {
  config: PipelineConfig;
  queue: AdmissionQueue;
  cache: ResponseCache;
  metrics: AiMetrics;
  worker: ResponseWorker;
  /** The plan of a user; every user has the default plan until the payments service feeds plans in. */
  planOf(userId: string): Plan;
  /** The quota as the message.sent handler takes it for the jobs it starts. */
  intakeQuota: IntakeQuota;
  /** Erased users: what erasure records and every write of a user's data checks first. */
  erased: ErasedUsers;
  /** The generator is only known once the routes are mounted (the registry loads from the database). */
  execution: ExecutionDeps;
  start(generator: Generator): Promise<void>;
  stop(): Promise<void>;
}

const NO_GENERATOR: Generator = {
  resolve() {
    throw new Error('the AI pipeline has not started');
  },
  async generate() {
    throw new Error('the AI pipeline has not started');
  },
};

export function createPipeline(ctx: ServiceContext, config: PipelineConfig = parsePipelineConfig(ctx.env)): Pipeline {
  const metrics = createAiMetrics(ctx.metrics.registry);
  const queue = new AdmissionQueue({
    concurrency: config.admission.providerConcurrency,
    defaultConcurrency: config.admission.defaultProviderConcurrency,
    maxQueued: config.admission.maxQueued,
    maxQueuedPerUser: config.admission.maxQueuedPerUser,
    retryAfterSeconds: config.admission.retryAfterSeconds,
    onAdmitted: (provider, waitedMs) => metrics.queueWait.observe({ provider }, waitedMs / 1000),
    onInFlightChange: (provider, inFlight) => metrics.inFlight.set({ provider }, inFlight),
  });
  const { redis } = config.cache;
  const shared = redis && config.cache.maxEntries > 0
    ? createRedisAnswerStore({ ...redis, logger: ctx.logger.child({ component: 'ai-cache' }) })
    : undefined;
  const cache = new ResponseCache({ maxEntries: config.cache.maxEntries, ttlMs: config.cache.ttlMs, ...(shared ? { shared } : {}) });
  const defaultPlan = config.plans.get(config.defaultPlan)!;
  const planOf = (): Plan => defaultPlan;
  const intakeQuota: IntakeQuota = {
    async take(trx, userId) {
      const day = utcDay();
      return await reserveMessage(trx, userId, planOf(), day) ? day : undefined;
    },
    giveBack: (trx, userId, day) => releaseMessage(trx, userId, day),
  };
  const execution: ExecutionDeps = { generator: NO_GENERATOR, queue, cache, metrics };
  const logger = ctx.logger.child({ component: 'ai-worker' });
  let runDeps: RunResponseDeps | undefined;
  const worker = new ResponseWorker({
    ctx,
    logger,
    leaseMs: config.worker.leaseMs,
    sweepIntervalMs: config.worker.sweepIntervalMs,
    // Jobs waiting for admission count against the queue bound; more stay in the table for other replicas.
    capacity: config.admission.maxQueued,
    run: (job, signal) => runResponse(runDeps!, job, signal),
  });
  return {
    config, queue, cache, metrics, worker, planOf, intakeQuota, execution, erased: new ErasedUsers(ctx.database.dialect),
    async start(generator) {
      execution.generator = generator;
      runDeps = { ...execution, ctx, logger, owner: worker.owner, maxAttempts: config.worker.maxAttempts, stream: config.stream, planOf };
      cache.open();
      await worker.start();
    },
    async stop() {
      await worker.stop();
      await cache.close();
    },
  };
}
