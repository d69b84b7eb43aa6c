export { createGateway, gateway } from './gateway.ts';
export { rateBudgets, routeTable, type GatewayRoute, type RateLimitClass } from './route-table.ts';
export { applyBudgetOverrides, createEdgeLimit, type EdgeLimit, type RateBudget, type RateBudgets } from './rate-limiter.ts';
export { matchRoute } from './match-route.ts';
export { parseGatewayConfig, type GatewayConfig } from './gateway-config.ts';
export { KONG_CONSUMER, kongConfig, kongConfigText, type KongExportInput } from './kong-export.ts';
