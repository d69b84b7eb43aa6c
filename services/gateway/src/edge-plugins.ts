import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { GatewayConfig } from './gateway-config.ts';
import { matchRoute } from './match-route.ts';
import { addSecurityHeaders } from './security-headers.ts';
import type { GatewayRoute } from './route-table.ts';

export interface EdgePluginOptions {
  table: readonly GatewayRoute[];
  /** Routes whose service runs elsewhere: their operations are not known here, only their prefixes. */
  proxied: readonly GatewayRoute[];
  config: Pick<GatewayConfig, 'corsOrigins' | 'docs'>;
}

// A JSON API is never a document a browser should render, run or frame.
const API_CSP = { defaultSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] };
// Swagger UI is static files from this origin (shipped in @fastify/swagger-ui, nothing from a CDN)
// and fetches /docs/json; React sets style through the CSSOM, which style-src does not block.
const DOCS_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'; " +
  "script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'";

/** What a browser on an allowed origin may read from responses besides the simple headers. */
export const CORS_EXPOSED_HEADERS = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After', 'x-request-id', 'x-correlation-id'];

/**
 * Edge plugins on the root instance, before any service route is added: security headers on
 * every response, CORS for the configured origins, and the OpenAPI document at /docs.
 * /docs, /health, /ready and /metrics are not under /api, so the edge's token check never
 * applies to them.
 */
export async function registerEdgePlugins(app: FastifyInstance, opts: EdgePluginOptions): Promise<void> {
  addSecurityHeaders(app, {
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    // The API is called cross-origin by the web app through CORS; keep the resource policy to the site.
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  if (opts.config.corsOrigins.length > 0) {
    await app.register(cors, {
      // Exact origins only: with credentials (the refresh cookie) a wildcard would hand the session to any site.
      origin: opts.config.corsOrigins,
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'x-correlation-id', 'idempotency-key'],
      exposedHeaders: CORS_EXPOSED_HEADERS,
      maxAge: 600,
    });
  }
  if (opts.config.docs) await registerDocs(app, opts);
}

async function registerDocs(app: FastifyInstance, opts: EdgePluginOptions): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'VersaAI API', version: '1', description: 'Every route behind the VersaAI gateway. Errors are application/problem+json (RFC 9457) with a stable `code`.' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    // Operations of routes that need a token carry the bearer requirement, decided by the route table.
    transform: ({ schema, url }) => {
      const rule = matchRoute(opts.table, url);
      if (rule?.auth !== 'required') return { schema, url };
      return { schema: { ...schema, security: [{ bearerAuth: [] }] }, url };
    },
    transformObject: (document) => withProxiedPrefixes(('openapiObject' in document ? document.openapiObject : {}) as OpenApiDocument, opts.proxied),
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // No call to the public validator: the document stays on this origin.
    uiConfig: { validatorUrl: null },
    staticCSP: DOCS_CSP,
  });
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/**
 * In the distributed topology the gateway does not load the services' code, so it cannot
 * know their operations: each proxied prefix is listed as a path item naming its service.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the plugin types each OpenAPI version apart; this only adds path items
function withProxiedPrefixes(document: OpenApiDocument, proxied: readonly GatewayRoute[]): any {
  if (proxied.length === 0) return document;
  const paths = { ...document.paths };
  for (const route of proxied) {
    paths[route.prefix] ??= {
      summary: `Everything under ${route.prefix} is proxied to the ${route.service} service`,
      description: `The operations of ${route.service} are documented by an all-in-one gateway (\`versaai start\`), which hosts the service's routes. ` +
        `Authentication: ${route.auth}; body limit ${route.bodyLimit} bytes; timeout ${route.timeoutMs} ms.`,
      'x-versaai-service': route.service,
    };
  }
  return { ...document, paths };
}
