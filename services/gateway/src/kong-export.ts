import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { stringify } from 'yaml';
import type { Upstreams } from '@versaai/runtime';
import { servicesOf } from './match-route.ts';
import { CORS_EXPOSED_HEADERS } from './edge-plugins.ts';
import type { RateBudgets } from './rate-limiter.ts';
import type { GatewayRoute } from './route-table.ts';

export interface KongExportInput {
  table: readonly GatewayRoute[];
  /** Budgets per rate-limit class, overrides (RATE_LIMIT_*) already applied. */
  budgets: RateBudgets;
  /** VERSAAI_UPSTREAMS; a service without an entry is reached at http://<name>:8080. */
  upstreams?: Upstreams;
  /** REDIS_URL: the rate-limiting plugin counts there, shared by every Kong node. */
  redisUrl?: string;
  corsOrigins?: readonly string[];
  /** auth's public keys (its JWKS document): each becomes a jwt credential Kong verifies with. */
  jwks?: { keys: JsonWebKey[] };
}

/** The consumer every VersaAI access token maps to in Kong: tokens are told apart by `kid`, not by user. */
export const KONG_CONSUMER = 'versaai-auth';

type KongPlugin = { name: string; config: Record<string, unknown> };

const slug = (prefix: string): string => prefix.replace(/^\/api\//, '').replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'root';
const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Kong matches a plain prefix inside a path segment (`/api/users` would take `/api/usersx`),
 * VersaAI only on segment boundaries. A regex path says exactly that, and regex_priority
 * (higher first) = the prefix length makes the longest prefix win, as in match-route.ts.
 */
function kongPath(prefix: string): string {
  return `~${escapeRegex(prefix.replace(/\/$/, ''))}(?:/|$)`;
}

/** GCRA budget → the rate-limiting plugin's fixed windows (second/minute/hour); other windows are rounded to a per-minute rate. */
function rateLimitWindow(budget: { limit: number; windowMs: number }): Record<string, number> {
  if (budget.windowMs === 1_000) return { second: budget.limit };
  if (budget.windowMs === 60_000) return { minute: budget.limit };
  if (budget.windowMs === 3_600_000) return { hour: budget.limit };
  return { minute: Math.max(1, Math.round((budget.limit * 60_000) / budget.windowMs)) };
}

function redisConfig(redisUrl: string | undefined): Record<string, unknown> {
  if (!redisUrl) return { policy: 'local' };
  const url = new URL(redisUrl);
  const database = Number(url.pathname.replace('/', '') || '0');
  return {
    policy: 'redis',
    redis: {
      host: url.hostname,
      port: Number(url.port || 6379),
      database: Number.isInteger(database) ? database : 0,
      ssl: url.protocol === 'rediss:',
      // Never written into the file: Kong reads it from its own vault/environment.
      ...(url.password ? { password: '{vault://env/versaai-redis-password}' } : {}),
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    },
  };
}

function routePlugins(route: GatewayRoute, input: KongExportInput): KongPlugin[] {
  const plugins: KongPlugin[] = [];
  if (route.auth === 'required') {
    plugins.push({
      name: 'jwt',
      config: {
        // The credential is looked up by the key id in the token header (Kong reads the claim from the payload, then the header).
        key_claim_name: 'kid',
        claims_to_verify: ['exp'],
        header_names: ['authorization'],
        // Tokens in URLs end up in logs.
        uri_param_names: [],
        cookie_names: [],
        run_on_preflight: false,
      },
    });
  }
  plugins.push({
    name: 'rate-limiting',
    config: {
      ...rateLimitWindow(input.budgets[route.rateLimit]),
      // Per client address: every token maps to one Kong consumer, so per-consumer would be one budget for everybody.
      limit_by: 'ip',
      ...redisConfig(input.redisUrl),
      fault_tolerant: true,
      hide_client_headers: false,
    },
  });
  plugins.push({ name: 'request-size-limiting', config: { allowed_payload_size: route.bodyLimit, size_unit: 'bytes', require_content_length: false } });
  return plugins;
}

function upstreamEntity(service: string, urls: readonly string[]) {
  return {
    name: `${service}.versaai`,
    algorithm: 'least-connections',
    // Kong's default target port is 8000: always name the port.
    targets: urls.map((url) => {
      const parsed = new URL(url);
      return { target: `${parsed.hostname}:${parsed.port || (parsed.protocol === 'https:' ? 443 : 80)}` };
    }),
    // The same signals as VersaAI's own proxy: /ready polled, failing replicas taken out.
    healthchecks: {
      active: { type: 'http', http_path: '/ready', healthy: { interval: 5, successes: 1 }, unhealthy: { interval: 5, http_failures: 1, tcp_failures: 1, timeouts: 2 } },
      passive: { type: 'http', unhealthy: { http_statuses: [502, 503, 504], tcp_failures: 5, timeouts: 5, http_failures: 5 } },
    },
  };
}

function jwtCredentials(jwks: { keys: JsonWebKey[] }) {
  return jwks.keys.filter((key) => typeof key.kid === 'string').map((key) => ({
    key: key.kid as string,
    algorithm: (key.alg as string | undefined) ?? (key.kty === 'OKP' ? 'EdDSA' : 'ES256'),
    // Kong keeps the PEM of any asymmetric key in this field, whatever the algorithm.
    rsa_public_key: createPublicKey({ key, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString(),
  }));
}

/**
 * A Kong declarative configuration (`_format_version: "3.0"`, Kong ≥ 3.7 for EdDSA in the
 * jwt plugin) equivalent to the route table: one Kong service (and upstream with health
 * checks) per VersaAI service, one route per table entry with its plugins, CORS global.
 */
export function kongConfig(input: KongExportInput): Record<string, unknown> {
  const services = servicesOf(input.table).map((service) => {
    const routes = input.table.filter((route) => route.service === service);
    const urls = input.upstreams?.[service]?.length ? input.upstreams[service]! : [`http://${service}:8080`];
    // Kong's timeouts live on the service: the longest of its routes; VersaAI's own proxy keeps the per-route ones.
    const timeoutMs = Math.max(...routes.map((route) => route.timeoutMs));
    return {
      name: service,
      protocol: new URL(urls[0]!).protocol.replace(':', ''),
      host: `${service}.versaai`,
      port: Number(new URL(urls[0]!).port || (urls[0]!.startsWith('https:') ? 443 : 80)),
      connect_timeout: Math.min(timeoutMs, 5_000),
      read_timeout: timeoutMs,
      write_timeout: timeoutMs,
      retries: 0,
      routes: routes.map((route) => ({
        name: slug(route.prefix),
        paths: [kongPath(route.prefix)],
        regex_priority: route.prefix.length,
        strip_path: false,
        preserve_host: false,
        protocols: ['http', 'https'],
        plugins: routePlugins(route, input),
        tags: ['versaai', ...(route.roles?.length ? route.roles.map((role) => `role:${role}`) : [])],
      })),
    };
  });
  const upstreams = servicesOf(input.table).map((service) =>
    upstreamEntity(service, input.upstreams?.[service]?.length ? input.upstreams[service]! : [`http://${service}:8080`]));
  const corsOrigins = input.corsOrigins ?? [];
  return {
    _format_version: '3.0',
    _transform: true,
    services,
    upstreams,
    ...(corsOrigins.length > 0 ? {
      plugins: [{
        name: 'cors',
        config: {
          origins: [...corsOrigins],
          credentials: true,
          methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
          headers: ['authorization', 'content-type', 'x-request-id', 'x-correlation-id', 'idempotency-key'],
          exposed_headers: CORS_EXPOSED_HEADERS,
          max_age: 600,
        },
      }],
    } : {}),
    consumers: [{
      username: KONG_CONSUMER,
      ...(input.jwks ? { jwt_secrets: jwtCredentials(input.jwks) } : {}),
    }],
  };
}

export function kongConfigText(input: KongExportInput, format: 'yaml' | 'json' = 'yaml'): string {
  const config = kongConfig(input);
  return format === 'json' ? `${JSON.stringify(config, null, 2)}\n` : stringify(config, { lineWidth: 0 });
}
