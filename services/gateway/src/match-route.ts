import type { GatewayRoute } from './route-table.ts';

/** True when `path` is `prefix` itself or below it (`/api/users/1` is below `/api/users`, `/api/usersx` is not). */
function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/** The table entry with the longest prefix covering the path, or undefined. */
export function matchRoute(table: readonly GatewayRoute[], path: string): GatewayRoute | undefined {
  let best: GatewayRoute | undefined;
  for (const route of table) {
    if (isUnder(path, route.prefix) && (!best || route.prefix.length > best.prefix.length)) best = route;
  }
  return best;
}

/**
 * matchRoute for one table, prepared once: longest prefixes first, each with its `/` form
 * computed, so a request's lookup is a few `startsWith` and builds no string.
 */
export function routeMatcher(table: readonly GatewayRoute[]): (path: string) => GatewayRoute | undefined {
  const entries = [...table]
    .sort((a, b) => b.prefix.length - a.prefix.length)
    .map((route) => ({ route, prefix: route.prefix, below: route.prefix.endsWith('/') ? route.prefix : `${route.prefix}/` }));
  return (path) => {
    for (const entry of entries) if (path === entry.prefix || path.startsWith(entry.below)) return entry.route;
    return undefined;
  };
}

/** The path of a request target, without its query. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

export function servicesOf(table: readonly GatewayRoute[]): string[] {
  return [...new Set(table.map((route) => route.service))];
}

/** Checks the table at boot: a bad entry must stop the gateway, not misroute traffic. */
export function assertValidTable(table: readonly GatewayRoute[]): void {
  const seen = new Set<string>();
  for (const route of table) {
    if (seen.has(route.prefix)) throw new Error(`Gateway route "${route.prefix}" is listed twice`);
    seen.add(route.prefix);
    if (route.root) {
      if (route.prefix.startsWith('/api/') || !route.prefix.startsWith('/')) throw new Error(`Gateway root route "${route.prefix}" must be an absolute path outside /api/`);
    } else if (!route.prefix.startsWith('/api/')) {
      throw new Error(`Gateway route "${route.prefix}" must start with /api/`);
    } else if (!isUnder(route.prefix, `/api/${route.service}`)) {
      throw new Error(`Gateway route "${route.prefix}" must live under /api/${route.service}, the prefix of its service`);
    }
    if (route.roles && (route.auth !== 'required' || route.roles.length === 0)) {
      // Roles without a required token, or an empty allow-list, would read as a rule but check nothing.
      throw new Error(`Gateway route "${route.prefix}" lists roles, so it must require auth and name at least one role`);
    }
  }
}
