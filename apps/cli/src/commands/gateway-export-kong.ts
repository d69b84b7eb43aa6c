import { readFile, writeFile } from 'node:fs/promises';
import type { JsonWebKey } from 'node:crypto';
import { parsePlatformConfig } from '@versaai/runtime';
import { applyBudgetOverrides, kongConfigText, parseGatewayConfig, rateBudgets, routeTable } from '@versaai/service-gateway';

export interface ExportKongOptions {
  out?: string;
  format?: 'yaml' | 'json';
  /** auth's JWKS document, a file or its URL: the keys Kong verifies tokens with. */
  jwks?: string;
}

/** A JWKS from a file or from auth's URL (e.g. http://auth:8080/api/auth/.well-known/jwks.json). */
async function readJwks(source: string): Promise<{ keys: JsonWebKey[] }> {
  let text: string;
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`${source} answered ${response.status}`);
    text = await response.text();
  } else {
    text = await readFile(source, 'utf8');
  }
  const parsed = JSON.parse(text) as { keys?: unknown };
  if (!Array.isArray(parsed.keys)) throw new Error(`${source} is not a JWKS document (no "keys" array)`);
  return { keys: parsed.keys as JsonWebKey[] };
}

/**
 * `versaai gateway export-kong [--out file] [--format yaml|json] [--jwks file|url]`: the route
 * table as a Kong declarative configuration, with upstreams, Redis and CORS from the same
 * environment variables the VersaAI gateway reads.
 */
export async function exportKongCommand(opts: ExportKongOptions): Promise<void> {
  const platform = parsePlatformConfig(process.env);
  const gateway = parseGatewayConfig(process.env);
  const text = kongConfigText({
    table: routeTable,
    budgets: applyBudgetOverrides(rateBudgets, platform.rateLimits),
    upstreams: platform.upstreams,
    redisUrl: platform.redisUrl,
    corsOrigins: gateway.corsOrigins,
    jwks: opts.jwks ? await readJwks(opts.jwks) : undefined,
  }, opts.format ?? 'yaml');
  if (opts.out) {
    await writeFile(opts.out, text);
    console.error(`Kong declarative configuration written to ${opts.out}`);
  } else {
    process.stdout.write(text);
  }
}
