import { matchRoute, routeTable, type GatewayRoute } from '@versaai/service-gateway';

/** One operation of the public API, as the gateway's OpenAPI document lists it. */
export interface ApiOperation {
  method: string;
  /** OpenAPI form, e.g. /api/auth/sessions/{id}. */
  path: string;
  params: string[];
  bodySchema: JsonSchema | undefined;
  /** The route-table rule the edge applies to it (the gateway's own routes have none). */
  rule: GatewayRoute | undefined;
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  maxLength?: number;
  [keyword: string]: unknown;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * Every /api operation of the running platform, from its own OpenAPI document: a route added
 * tomorrow is in the matrix and the fuzzer without anyone listing it.
 */
export async function apiInventory(baseUrl: string): Promise<ApiOperation[]> {
  const response = await fetch(`${baseUrl}/docs/json`);
  if (!response.ok) throw new Error(`/docs/json answered ${response.status}`);
  const document = await response.json() as OpenApiDocument;
  const operations: ApiOperation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/')) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      operations.push({
        method: method.toUpperCase(),
        path,
        params: [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!),
        bodySchema: operation.requestBody?.content?.['application/json']?.schema,
        rule: matchRoute(routeTable, path.replace(/\{[^}]+\}/g, 'x')),
      });
    }
  }
  return operations;
}

/** The path with its parameters filled in (a placeholder where none is given). */
export function concretePath(operation: ApiOperation, values: Record<string, string> = {}): string {
  return operation.path.replace(/\{([^}]+)\}/g, (_match, name: string) => encodeURIComponent(values[name] ?? '0193a1b2-0000-7000-8000-000000000000'));
}

export const describeOperation = (operation: ApiOperation) => `${operation.method} ${operation.path}`;
