import type { FastifyInstance } from 'fastify';
import type { MountService } from '@versaai/runtime';
import type { GatewayRoute } from './route-table.ts';
import { matchRoute } from './match-route.ts';

/**
 * All-in-one: the hosted services' routes are registered inside the edge's scope, so the
 * edge's hooks wrap them in the same Fastify instance with no network hop. A route the table
 * does not cover would bypass the edge's rules, so it stops the boot.
 */
export async function mountInProcess(
  app: FastifyInstance,
  table: readonly GatewayRoute[],
  hosted: ReadonlyMap<string, MountService>,
): Promise<void> {
  if (hosted.size === 0) return;
  await app.register(async (edge) => {
    edge.addHook('onRoute', (route) => {
      const rule = matchRoute(table, route.url);
      if (!rule) throw new Error(`Route ${route.url} is not covered by the gateway route table`);
      // The table is the single source of body limits; a route may only ask for less.
      route.bodyLimit = Math.min(route.bodyLimit ?? rule.bodyLimit, rule.bodyLimit);
    });
    for (const mount of hosted.values()) await mount(edge);
  });
}
