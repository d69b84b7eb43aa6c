import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyBudgetOverrides, KONG_CONSUMER, kongConfig, kongConfigText, matchRoute, rateBudgets, routeTable, type GatewayRoute } from '../src/index.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const input = {
  table: routeTable,
  budgets: applyBudgetOverrides(rateBudgets, { credentials: { limit: 5, windowMs: 1_000 } }),
  upstreams: { auth: ['http://10.0.0.1:8081', 'http://10.0.0.2:8081'], users: ['https://users.internal'] },
  redisUrl: 'redis://:s3cret@redis.internal:6380/2',
  corsOrigins: ['https://app.example.com'],
};

const routesOf = (config: Any): Any[] => config.services.flatMap((service: Any) => service.routes.map((route: Any) => ({ ...route, service: service.name })));
const plugin = (route: Any, name: string): Any => route.plugins.find((candidate: Any) => candidate.name === name);

/** The prefix a Kong regex path stands for: `~/api/auth/\.well-known(?:/|$)` → `/api/auth/.well-known`. */
const prefixOf = (path: string): string => path.slice(1).replace(/\(\?:\/\|\$\)$/, '').replace(/\\(.)/g, '$1');

describe('Kong declarative export', () => {
  const yamlText = kongConfigText(input);
  const config: Any = parse(yamlText);

  it('is YAML of a Kong 3.0 declarative configuration', () => {
    expect(config._format_version).toBe('3.0');
    expect(JSON.parse(kongConfigText(input, 'json'))).toEqual(config);
  });

  it('has one Kong service per VersaAI service, the replicas of VERSAAI_UPSTREAMS as targets, else <name>:8080', () => {
    expect(config.services.map((service: Any) => service.name).sort()).toEqual([...new Set(routeTable.map((route) => route.service))].sort());
    const auth = config.upstreams.find((upstream: Any) => upstream.name === 'auth.versaai');
    expect(auth.targets).toEqual([{ target: '10.0.0.1:8081' }, { target: '10.0.0.2:8081' }]);
    expect(auth.healthchecks.active.http_path).toBe('/ready');
    expect(config.upstreams.find((upstream: Any) => upstream.name === 'users.versaai').targets).toEqual([{ target: 'users.internal:443' }]);
    expect(config.services.find((service: Any) => service.name === 'users').protocol).toBe('https');
    const fallback = kongConfig({ ...input, upstreams: {} }) as Any;
    expect(fallback.upstreams.find((upstream: Any) => upstream.name === 'users.versaai').targets).toEqual([{ target: 'users:8080' }]);
    expect(config.services.find((service: Any) => service.name === 'auth').host).toBe('auth.versaai');
  });

  it('has one route per table entry, keeping the path, the longest prefix first', () => {
    const routes = routesOf(config);
    expect(routes).toHaveLength(routeTable.length);
    for (const entry of routeTable) {
      const route = routes.find((candidate) => prefixOf(candidate.paths[0]) === entry.prefix);
      expect(route, entry.prefix).toBeDefined();
      expect(route.service).toBe(entry.service);
      expect(route.strip_path).toBe(false);
      expect(route.regex_priority).toBe(entry.prefix.length);
    }
    expect(new Set(routes.map((route) => route.name)).size).toBe(routes.length);
  });

  it('matches on segment boundaries like the VersaAI gateway', () => {
    for (const route of routesOf(config)) {
      const regex = new RegExp(`^${route.paths[0].slice(1)}`);
      const prefix = prefixOf(route.paths[0]);
      expect(regex.test(prefix)).toBe(true);
      expect(regex.test(`${prefix}/x`)).toBe(true);
      expect(regex.test(`${prefix}x`)).toBe(false);
    }
    // The regex with the highest priority that matches is the table's longest prefix.
    for (const path of ['/api/auth/register', '/api/auth/sessions/1', '/api/users/admin/users', '/api/users/me']) {
      const winner = routesOf(config)
        .filter((route) => new RegExp(`^${route.paths[0].slice(1)}`).test(path))
        .sort((a, b) => b.regex_priority - a.regex_priority)[0];
      expect(prefixOf(winner.paths[0])).toBe(matchRoute(routeTable, path)!.prefix);
    }
  });

  it('puts the jwt plugin on exactly the routes that require auth, keyed by kid', () => {
    for (const route of routesOf(config)) {
      const entry = routeTable.find((candidate) => candidate.prefix === prefixOf(route.paths[0])) as GatewayRoute;
      const jwt = plugin(route, 'jwt');
      if (entry.auth === 'required') expect(jwt.config).toMatchObject({ key_claim_name: 'kid', claims_to_verify: ['exp'], uri_param_names: [] });
      else expect(jwt).toBeUndefined();
      if (entry.roles?.length) expect(route.tags).toEqual(expect.arrayContaining(entry.roles.map((role) => `role:${role}`)));
    }
  });

  it('limits every route with the redis policy and its class budget, and its body size', () => {
    for (const route of routesOf(config)) {
      const entry = routeTable.find((candidate) => candidate.prefix === prefixOf(route.paths[0])) as GatewayRoute;
      const limiting = plugin(route, 'rate-limiting').config;
      expect(limiting).toMatchObject({ policy: 'redis', limit_by: 'ip', redis: { host: 'redis.internal', port: 6380, database: 2 } });
      expect(limiting).toMatchObject(entry.rateLimit === 'credentials' ? { second: 5 } : { minute: 600 });
      expect(plugin(route, 'request-size-limiting').config).toMatchObject({ allowed_payload_size: entry.bodyLimit, size_unit: 'bytes' });
    }
    // The Redis password is a vault reference, never the secret itself.
    expect(yamlText).not.toContain('s3cret');
    expect(yamlText).toContain('{vault://env/versaai-redis-password}');
  });

  it('sets the service timeouts from the longest route timeout', () => {
    const users = config.services.find((service: Any) => service.name === 'users');
    const longest = Math.max(...routeTable.filter((route) => route.service === 'users').map((route) => route.timeoutMs));
    expect(users).toMatchObject({ read_timeout: longest, write_timeout: longest });
  });

  it('adds a global cors plugin with the allow-list and credentials', () => {
    expect(config.plugins).toEqual([expect.objectContaining({ name: 'cors', config: expect.objectContaining({ origins: ['https://app.example.com'], credentials: true }) })]);
    expect(kongConfig({ ...input, corsOrigins: [] }).plugins).toBeUndefined();
  });

  it('falls back to the local policy without REDIS_URL', () => {
    const local = kongConfig({ ...input, redisUrl: undefined }) as Any;
    expect(plugin(routesOf(local)[0], 'rate-limiting').config.policy).toBe('local');
  });

  it("turns auth's JWKS into jwt credentials of one consumer, the PEM of each key", () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'key-2026', alg: 'EdDSA', use: 'sig' };
    const exported = kongConfig({ ...input, jwks: { keys: [jwk] } }) as Any;
    const consumer = exported.consumers.find((candidate: Any) => candidate.username === KONG_CONSUMER);
    expect(consumer.jwt_secrets).toHaveLength(1);
    expect(consumer.jwt_secrets[0]).toMatchObject({ key: 'key-2026', algorithm: 'EdDSA' });
    expect(createPublicKey(consumer.jwt_secrets[0].rsa_public_key).export({ format: 'jwk' })).toMatchObject({ x: jwk.x });
  });
});
