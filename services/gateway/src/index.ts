export { createGateway, gateway } from './gateway.ts';
export { routeTable, type GatewayRoute, type RateLimitClass } from './route-table.ts';
export { matchRoute } from './match-route.ts';
