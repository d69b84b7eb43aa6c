import { z } from 'zod';
import { envBool, envDurationMs, envEnum, envInt, envPositiveInt, parseConfig } from '@versaai/kernel';

export const BALANCERS = ['least-in-flight', 'round-robin'] as const;
export type BalancerKind = (typeof BALANCERS)[number];

/** `https://app.example.com,http://localhost:5173` → exact origins; a path, `*` or a bad URL is refused. */
const corsOriginsSchema = z.string().optional().transform((raw, ctx): string[] => {
  if (raw === undefined || raw.trim() === '') return [];
  const origins: string[] = [];
  for (const item of raw.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    // A wildcard cannot go with credentials (the refresh cookie); list the origins instead.
    const url = URL.canParse(item) ? new URL(item) : undefined;
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== item.replace(/\/$/, '')) {
      ctx.addIssue({ code: 'custom', message: `must list origins such as https://app.example.com separated by commas (bad entry "${item}")` });
      return z.NEVER;
    }
    origins.push(url.origin);
  }
  return origins;
});

/** The gateway's own settings; the platform's (PORT, VERSAAI_UPSTREAMS, RATE_LIMIT_*) live in @versaai/runtime. */
export const gatewayConfigSchema = z.object({
  GATEWAY_BALANCER: envEnum(BALANCERS, 'least-in-flight'),
  GATEWAY_BREAKER_FAILURES: envPositiveInt(5),
  GATEWAY_BREAKER_COOLDOWN_MS: envDurationMs(10_000).refine((ms) => ms >= 100, 'must be at least 100ms'),
  // 0 turns the active checks off (passive health still applies).
  GATEWAY_HEALTH_INTERVAL_MS: envDurationMs(5_000),
  GATEWAY_HEALTH_TIMEOUT_MS: envDurationMs(2_000).refine((ms) => ms >= 1, 'must be at least 1ms'),
  GATEWAY_RETRIES: envInt({ min: 0, max: 5, default: 2 }),
  GATEWAY_CONNECT_TIMEOUT_MS: envDurationMs(2_000).refine((ms) => ms >= 1, 'must be at least 1ms'),
  GATEWAY_DOCS: envBool(true),
  CORS_ORIGINS: corsOriginsSchema,
});

export interface GatewayConfig {
  proxy: ProxySettings;
  docs: boolean;
  corsOrigins: string[];
}

export interface ProxySettings {
  balancer: BalancerKind;
  /** Consecutive failures that take a replica out. */
  breakerFailures: number;
  /** How long a replica stays out before one trial request is let through. */
  breakerCooldownMs: number;
  /** 0 = no active health checks. */
  healthIntervalMs: number;
  healthTimeoutMs: number;
  /** Extra attempts on another replica, idempotent methods only, only when nothing was received. */
  retries: number;
  connectTimeoutMs: number;
}

export const defaultProxySettings: ProxySettings = {
  balancer: 'least-in-flight',
  breakerFailures: 5,
  breakerCooldownMs: 10_000,
  healthIntervalMs: 5_000,
  healthTimeoutMs: 2_000,
  retries: 2,
  connectTimeoutMs: 2_000,
};

export function parseGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const raw = parseConfig(gatewayConfigSchema, env);
  return {
    proxy: {
      balancer: raw.GATEWAY_BALANCER,
      breakerFailures: raw.GATEWAY_BREAKER_FAILURES,
      breakerCooldownMs: raw.GATEWAY_BREAKER_COOLDOWN_MS,
      healthIntervalMs: raw.GATEWAY_HEALTH_INTERVAL_MS,
      healthTimeoutMs: raw.GATEWAY_HEALTH_TIMEOUT_MS,
      retries: raw.GATEWAY_RETRIES,
      connectTimeoutMs: raw.GATEWAY_CONNECT_TIMEOUT_MS,
    },
    docs: raw.GATEWAY_DOCS,
    corsOrigins: raw.CORS_ORIGINS,
  };
}
