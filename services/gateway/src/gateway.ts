import type { FastifyInstance } from 'fastify';
import type { GatewayDefinition, GatewayOptions } from '@versaai/runtime';
import { mountInProcess } from './in-process-edge.ts';
import { assertValidTable, servicesOf } from './match-route.ts';
import { registerProxy } from './proxy.ts';
import { registerEdgePlugins } from './edge-plugins.ts';
import { parseGatewayConfig } from './gateway-config.ts';
import { createMemoryRateLimiter } from '@versaai/storage';
import { applyBudgetOverrides, createEdgeLimit, type RateBudgets } from './rate-limiter.ts';
import { rateBudgets, routeTable, type GatewayRoute } from './route-table.ts';
import { createEdgeAuth } from './edge-auth.ts';
import { addEdgeHooks } from './edge-hooks.ts';
import { createApiKeyExchange } from './api-key-exchange.ts';
import { inProcessExchange, remoteExchange } from './exchange-calls.ts';
import { PRIVACY_EXPORT_PATH, registerPrivacyExport } from './privacy-export.ts';
import { registerUpgradeProxy } from './upgrade-proxy.ts';
import { adminSystemRoute, registerAdminSystem } from './admin-system.ts';
import { registerWebApp } from './web-app.ts';

/** The gateway's own route: the edge rules apply to it as to any service route. */
const privacyExportRoute: GatewayRoute = {
  prefix: PRIVACY_EXPORT_PATH, service: 'gateway', auth: 'required', rateLimit: 'credentials', bodyLimit: 1024, timeoutMs: 30_000,
};

/**
 * Builds the edge for a route table. Each service named in the table is either hosted in
 * this process (mounted in-process) or reached through its upstreams (proxied); a service
 * with neither is a configuration error.
 */
export function createGateway(table: readonly GatewayRoute[] = routeTable, budgets: RateBudgets = rateBudgets): GatewayDefinition {
  assertValidTable(table);
  return {
    name: 'gateway',
    services: () => servicesOf(table),
    async register(app: FastifyInstance, opts: GatewayOptions) {
      const hostedServices = [...opts.hosted.keys()];
      const unknown = hostedServices.filter((name) => !servicesOf(table).includes(name));
      if (unknown.length > 0) throw new Error(`Gateway route table has no routes for hosted service(s): ${unknown.join(', ')}`);
      const proxied = table.filter((route) => !opts.hosted.has(route.service));
      const missing = servicesOf(proxied).filter((service) => !opts.upstreams[service]?.length);
      if (missing.length > 0) throw new Error(`No upstream configured for service(s): ${missing.join(', ')}`);
      // One limiter per registered edge, shared by its in-process and proxied routes. Without
      // one from the runtime the edge counts in memory and closes it with the app.
      const limiter = opts.rateLimiter ?? createMemoryRateLimiter();
      if (!opts.rateLimiter) app.addHook('onClose', () => limiter.close());
      const limit = createEdgeLimit(limiter, applyBudgetOverrides(budgets, opts.rateLimits), opts.logger);
      const settings = parseGatewayConfig(opts.env);
      // Before any service route: helmet/CORS hooks and the OpenAPI collector must see them all.
      await registerEdgePlugins(app, { table, proxied, config: settings });
      const apiKeys = createApiKeyExchange({
        call: opts.hosted.has('auth') ? inProcessExchange(app) : remoteExchange(opts.upstreams.auth ?? []),
        verifier: opts.verifier,
      });
      const authenticate = createEdgeAuth({
        verifier: opts.verifier,
        revocations: opts.revocations,
        apiKeys,
        onRevocationCheckFailed: (error) => opts.logger.warn({ err: error }, 'revocation list unavailable; accepting unexpired tokens'),
      });
      addEdgeHooks(app, [...table, privacyExportRoute, adminSystemRoute], { authenticate, limit });
      registerPrivacyExport(app, { services: servicesOf(table), hosted: new Set(opts.hosted.keys()), upstreams: opts.upstreams });
      registerAdminSystem(app, { services: servicesOf(table), hosted: new Set(opts.hosted.keys()), upstreams: opts.upstreams });
      await mountInProcess(app, table, opts.hosted);
      const pools = await registerProxy(app, proxied, opts.upstreams, { settings: settings.proxy, logger: opts.logger, metrics: opts.metrics });
      registerUpgradeProxy(app, { table, pools, authenticate, limit, logger: opts.logger, connectTimeoutMs: settings.proxy.connectTimeoutMs });
      registerWebApp(app, { env: opts.env, logger: opts.logger });
      opts.logger.info({ inProcess: hostedServices, proxied: servicesOf(proxied) }, 'gateway routes registered');
    },
  };
}

export const gateway = createGateway();
