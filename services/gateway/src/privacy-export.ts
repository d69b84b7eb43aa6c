import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { ProblemError } from '@versaai/kernel';
import { authenticate } from '@versaai/identity';
import type { Upstreams } from '@versaai/runtime';
import { untilOneAnswers } from './upstream/each-replica.ts';

/** Where the gateway serves the whole-account export, and where each service serves its part. */
export const PRIVACY_EXPORT_PATH = '/api/privacy/export';
export const servicePrivacyExportPath = (service: string) => `/api/${service}/privacy/export`;

type Part = { status: number; body: unknown };
type FetchPart = (service: string, authorization: string) => Promise<Part>;

function inProcessPart(app: FastifyInstance): FetchPart {
  return async (service, authorization) => {
    const response = await app.inject({ method: 'GET', url: servicePrivacyExportPath(service), headers: { authorization } });
    return { status: response.statusCode, body: response.statusCode === 200 ? response.json() : undefined };
  };
}

function remotePart(upstreams: Upstreams, timeoutMs: number): FetchPart {
  return (service, authorization) => untilOneAnswers(upstreams[service] ?? [], 0, async (origin) => {
    const response = await request(`${origin}${servicePrivacyExportPath(service)}`, {
      headers: { authorization }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
    });
    const body = response.statusCode === 200 ? await response.body.json() : (await response.body.dump(), undefined);
    return { status: response.statusCode, body };
  });
}

/**
 * GDPR-style export: one JSON document assembled from every service's own export of what it
 * holds about the caller. The gateway composes it because it alone knows every service; each
 * part is fetched with the caller's own token, so every service authorizes it again. A
 * service without user data answers 404 and is left out; one that fails makes the whole
 * export fail (a partial export would silently omit data).
 */
export function registerPrivacyExport(app: FastifyInstance, opts: {
  services: readonly string[];
  hosted: ReadonlySet<string>;
  upstreams: Upstreams;
  timeoutMs?: number;
}): void {
  const inProcess = inProcessPart(app);
  const remote = remotePart(opts.upstreams, opts.timeoutMs ?? 10_000);
  app.get(PRIVACY_EXPORT_PATH, {
    preHandler: authenticate({ sessionOnly: true }),
    schema: { hide: true },
  }, async (request, reply) => {
    const authorization = request.headers.authorization!;
    const parts = await Promise.all(opts.services.map(async (service) => {
      const fetchPart = opts.hosted.has(service) ? inProcess : remote;
      const part = await fetchPart(service, authorization).catch(() => ({ status: 0, body: undefined }));
      if (part.status === 404) return undefined;
      if (part.status !== 200) {
        throw new ProblemError({ status: 503, code: 'PRIVACY_EXPORT_INCOMPLETE', detail: `The ${service} service could not export its data; try again later.`, headers: { 'retry-after': '30' } });
      }
      return [service, part.body] as const;
    }));
    const identity = request.identity!;
    reply.header('content-disposition', `attachment; filename="versaai-export-${identity.userId}.json"`);
    reply.header('cache-control', 'no-store');
    return {
      format: 'versaai-export/1',
      userId: identity.userId,
      exportedAt: new Date().toISOString(),
      services: Object.fromEntries(parts.filter((part) => part !== undefined)),
    };
  });
}
