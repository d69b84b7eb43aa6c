import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { authenticate } from '@versaai/identity';
import { PROCESS_STATUS_PATH, type Upstreams } from '@versaai/runtime';
import { ADMIN_SYSTEM_PATH, type BusStatus, type CheckStatus, type ProcessStatus, type ReplicaStatus, type ServiceStatus, type SystemStatus } from '@versaai/contracts';
import type { GatewayRoute } from './route-table.ts';

export { ADMIN_SYSTEM_PATH };

/** The gateway's own route: the edge's hooks authenticate it and require the admin role. */
export const adminSystemRoute: GatewayRoute = {
  prefix: ADMIN_SYSTEM_PATH, service: 'gateway', auth: 'required', roles: ['admin'], rateLimit: 'standard', bodyLimit: 1024, timeoutMs: 10_000,
};

/** A replica's /status runs checks of up to 2 s each; one that takes longer than this is reported, not waited for. */
const DEFAULT_REPLICA_TIMEOUT_MS = 3_000;

type Fetched<T> = { ok: true; body: T } | { ok: false; problem: string };

async function fetchJson<T>(url: string, authorization: string | undefined, timeoutMs: number): Promise<Fetched<T>> {
  try {
    const response = await request(url, {
      headers: authorization ? { authorization } : {},
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      return { ok: false, problem: `http_${response.statusCode}` };
    }
    return { ok: true, body: await response.body.json() as T };
  } catch (error) {
    const name = (error as { name?: string; code?: string }).name ?? '';
    const code = (error as { code?: string }).code ?? '';
    const timedOut = name === 'TimeoutError' || name === 'AbortError' || code.includes('TIMEOUT');
    return { ok: false, problem: timedOut ? 'timeout' : 'unreachable' };
  }
}

/** Enough of the shape to read it safely: whatever answers on a replica's port is not trusted to be a VersaAI process. */
function isProcessStatus(body: unknown): body is ProcessStatus {
  const candidate = body as Partial<ProcessStatus> | null;
  return typeof candidate === 'object' && candidate !== null && Array.isArray(candidate.services) && Array.isArray(candidate.checks)
    && (candidate.bus === null || (typeof candidate.bus === 'object' && Array.isArray(candidate.bus?.groups)));
}

const allOk = (checks: readonly CheckStatus[]) => checks.every((check) => check.outcome === 'ok');

/** One service as a process reported it: its own checks and those of the process it runs in. */
function replicaFromStatus(replica: string, status: ProcessStatus, service: string): ReplicaStatus {
  const own = status.services.find((each) => each.name === service);
  if (!own && service !== 'gateway') return { replica, health: 'up', readiness: 'unknown', checks: status.checks, problem: 'service_not_hosted' };
  const checks = [...(own?.checks ?? []), ...status.checks];
  return { replica, health: 'up', readiness: allOk(checks) ? 'ready' : 'not_ready', checks };
}

async function remoteReplica(origin: string, service: string, authorization: string | undefined, timeoutMs: number): Promise<{ replica: ReplicaStatus; bus: BusStatus | null }> {
  const [health, status] = await Promise.all([
    fetchJson<unknown>(`${origin}/health`, undefined, timeoutMs),
    fetchJson<ProcessStatus>(`${origin}${PROCESS_STATUS_PATH}`, authorization, timeoutMs),
  ]);
  if (status.ok && isProcessStatus(status.body)) return { replica: replicaFromStatus(origin, status.body, service), bus: status.body.bus };
  if (status.ok) return { replica: { replica: origin, health: 'up', readiness: 'unknown', checks: [], problem: 'invalid_answer' }, bus: null };
  return {
    replica: { replica: origin, health: health.ok ? 'up' : 'down', readiness: 'unknown', checks: [], problem: health.ok ? status.problem : health.problem },
    bus: null,
  };
}

/** Each consumer group once: replicas of a service share theirs; a report with a measured lag wins. */
function mergeBus(reports: ReadonlyArray<BusStatus | null>): BusStatus | null {
  const present = reports.filter((report): report is BusStatus => report !== null);
  if (present.length === 0) return null;
  const groups = new Map<string, BusStatus['groups'][number]>();
  for (const group of present.flatMap((report) => report.groups)) {
    const known = groups.get(group.group);
    if (!known || (known.lag === null && group.lag !== null)) groups.set(group.group, group);
  }
  return { kind: present[0]!.kind, groups: [...groups.values()].sort((a, b) => a.group.localeCompare(b.group)) };
}

const serviceStatus = (name: string, replicas: ReplicaStatus[]): ServiceStatus => ({
  name, replicas, available: replicas.some((replica) => replica.health === 'up' && replica.readiness === 'ready'),
});

/**
 * `GET /api/admin/system`: this process's own status, plus (distributed) that of every replica
 * of every upstream, asked with the administrator's token and a short timeout. A replica that
 * does not answer is reported down; the answer is never a 5xx because of it.
 */
export function registerAdminSystem(app: FastifyInstance, opts: {
  /** Every service of the route table, in its order. */
  services: readonly string[];
  hosted: ReadonlySet<string>;
  upstreams: Upstreams;
  replicaTimeoutMs?: number;
}): void {
  const timeoutMs = opts.replicaTimeoutMs ?? DEFAULT_REPLICA_TIMEOUT_MS;
  app.get(ADMIN_SYSTEM_PATH, {
    onRequest: authenticate({ roles: ['admin'] }),
    schema: { hide: true },
  }, async (request, reply): Promise<SystemStatus> => {
    const authorization = request.headers.authorization;
    const [local, remote] = await Promise.all([
      app.inject({ method: 'GET', url: PROCESS_STATUS_PATH, headers: authorization ? { authorization } : {} }),
      Promise.all(opts.services.filter((service) => !opts.hosted.has(service)).map(async (service) => ({
        service,
        answers: await Promise.all((opts.upstreams[service] ?? []).map((origin) => remoteReplica(origin, service, authorization, timeoutMs))),
      }))),
    ]);
    const own = local.statusCode === 200 ? local.json<ProcessStatus>() : undefined;
    const inProcess = (service: string): ReplicaStatus => (own
      ? replicaFromStatus('in-process', own, service)
      : { replica: 'in-process', health: 'up', readiness: 'unknown', checks: [], problem: `http_${local.statusCode}` });
    const remoteByService = new Map(remote.map((each) => [each.service, each.answers]));
    const services = [
      serviceStatus('gateway', [inProcess('gateway')]),
      ...opts.services.map((service) => serviceStatus(service, opts.hosted.has(service)
        ? [inProcess(service)]
        : (remoteByService.get(service) ?? []).map((answer) => answer.replica))),
    ];
    reply.header('cache-control', 'no-store');
    return {
      topology: opts.services.every((service) => opts.hosted.has(service)) ? 'all-in-one' : 'distributed',
      services,
      bus: mergeBus([own?.bus ?? null, ...remote.flatMap((each) => each.answers.map((answer) => answer.bus))]),
      checkedAt: new Date().toISOString(),
    };
  });
}
