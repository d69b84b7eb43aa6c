import helmet, { type HelmetOptions } from 'helmet';
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';

/**
 * The headers helmet would set, computed once. They depend on nothing in the request, and
 * @fastify/helmet rebuilds every helmet middleware on each request (measured: ~10 % of the
 * CPU of an authenticated GET): one reply.headers() per request is all they need.
 */
export function helmetHeaders(options: Readonly<HelmetOptions>): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) { headers[name.toLowerCase()] = String(value); },
    removeHeader(name: string) { delete headers[name.toLowerCase()]; },
  };
  helmet(options)({} as never, response as unknown as ServerResponse, () => {});
  return headers;
}

/** Sets the security headers on every response of the app (a route may still replace one, e.g. its own CSP). */
export function addSecurityHeaders(app: FastifyInstance, options: Readonly<HelmetOptions>): void {
  // Names and values as two arrays: reply.headers(object) walks Object.keys and reads the
  // object by computed keys on every request (megamorphic loads, ~1 % of a GET /me).
  const entries = Object.entries(helmetHeaders(options));
  const names = entries.map(([name]) => name);
  const values = entries.map(([, value]) => value);
  app.addHook('onRequest', (_request, reply, done) => {
    for (let i = 0; i < names.length; i++) reply.header(names[i]!, values[i]!);
    done();
  });
}
