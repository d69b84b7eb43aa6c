import type { FastifyInstance } from 'fastify';
import { runReadinessChecks, withCheckTimeout, type ReadinessCheck } from '@versaai/kernel';
import { authenticate } from '@versaai/identity';
import { eventTypes, replayStreamFor, streamFor, type BusTransport, type DeadLetter } from '@versaai/events';
import type { BusStatus, CheckStatus, ConsumerGroupStatus, DeadLetterSummary, ProcessStatus } from '@versaai/contracts';

/** Where every process answers with its own status; outside /api, so the public proxy never forwards it. */
export const PROCESS_STATUS_PATH = '/status';

/** Dead letters are counted by listing them; past this many the count says "at least". */
export const DEAD_LETTER_COUNT_CAP = 1_000;
const NEWEST_DEAD_LETTERS = 5;
const MAX_ERROR_LENGTH = 500;
/** As long as /ready gives each of its checks. */
const CHECK_TIMEOUT_MS = 2_000;

export interface StatusSource {
  /** Each hosted service, its own readiness checks, and whether it has a consumer group. */
  services: ReadonlyArray<{ name: string; readiness: readonly ReadinessCheck[]; consumes: boolean }>;
  /** Checks of the process as a whole (the bus). */
  processChecks: readonly ReadinessCheck[];
  transport: BusTransport | undefined;
}

const runChecks = (checks: readonly ReadinessCheck[]): Promise<CheckStatus[]> => runReadinessChecks(checks, CHECK_TIMEOUT_MS);

function eventTypeOf(payload: string): string | null {
  try {
    const type = (JSON.parse(payload) as { type?: unknown }).type;
    return typeof type === 'string' ? type : null;
  } catch {
    return null;
  }
}

function summarize(letter: DeadLetter): DeadLetterSummary {
  return {
    id: letter.id,
    type: eventTypeOf(letter.payload),
    error: letter.error.length > MAX_ERROR_LENGTH ? `${letter.error.slice(0, MAX_ERROR_LENGTH)}…` : letter.error,
    deliveries: letter.deliveries,
    failedAt: letter.failedAt,
  };
}

async function groupStatus(transport: BusTransport, group: string): Promise<ConsumerGroupStatus> {
  // A group that never read a stream is skipped by lag(), so every event stream can be named.
  const streams = [...eventTypes.map(streamFor), replayStreamFor(group)];
  const [lag, letters] = await Promise.all([
    withCheckTimeout(() => transport.lag(group, streams), CHECK_TIMEOUT_MS).catch(() => null),
    withCheckTimeout(() => transport.listDeadLetters(group, DEAD_LETTER_COUNT_CAP), CHECK_TIMEOUT_MS).catch(() => null),
  ]);
  return {
    group,
    lag,
    deadLetters: {
      count: letters?.length ?? null,
      countCapped: (letters?.length ?? 0) >= DEAD_LETTER_COUNT_CAP,
      // Listed oldest first: the newest are at the end.
      newest: (letters ?? []).slice(-NEWEST_DEAD_LETTERS).reverse().map(summarize),
    },
  };
}

/** What this process hosts and how it is doing: readiness checks, and lag and dead letters of its consumer groups. */
export async function readProcessStatus(source: StatusSource): Promise<ProcessStatus> {
  const { transport } = source;
  const [services, checks, groups] = await Promise.all([
    Promise.all(source.services.map(async (service) => ({ name: service.name, checks: await runChecks(service.readiness) }))),
    runChecks(source.processChecks),
    transport
      ? Promise.all(source.services.filter((service) => service.consumes).map((service) => groupStatus(transport, service.name)))
      : Promise.resolve(undefined),
  ]);
  const bus: BusStatus | null = transport && groups ? { kind: transport.kind, groups } : null;
  return { services, checks, bus, checkedAt: new Date().toISOString() };
}

/**
 * `GET /status`: for administrators only, because it names dead letters' errors. The gateway
 * asks it of every replica with the administrator's own token (each process verifies it).
 */
export function registerProcessStatus(app: FastifyInstance, source: StatusSource): void {
  app.get(PROCESS_STATUS_PATH, {
    onRequest: authenticate({ roles: ['admin'] }),
    logLevel: 'warn',
    schema: { hide: true },
  }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return readProcessStatus(source);
  });
}
