// The administrators' system status: every process's internal `GET /status` and the gateway's
// `GET /api/admin/system`, which gathers them (docs/operations.md, "System status"); and the
// shapes the web app's Admin area reads from the users and AI services' admin routes.

import type { Role } from './auth.ts';

/** How one readiness check of a process ended (the same outcomes as `/ready`). */
export type CheckOutcome = 'ok' | 'failed' | 'timed out';

export interface CheckStatus {
  /** As named in `/ready`: `<service>-database`, `<service>-consumer`, `bus`. */
  name: string;
  outcome: CheckOutcome;
}

/** One dead letter, without its payload: enough to recognise it and replay it with the CLI. */
export interface DeadLetterSummary {
  /** Pass to `versaai events dead-letters replay <id>`. */
  id: string;
  /** The event type read from the payload; `null` when the payload is not an event at all. */
  type: string | null;
  error: string;
  deliveries: number;
  /** ISO 8601 */
  failedAt: string;
}

/** One consumer group (one per service that consumes events; its replicas share it). */
export interface ConsumerGroupStatus {
  group: string;
  /** Events waiting for the group (undelivered + delivered but not acknowledged); null when the bus did not answer. */
  lag: number | null;
  deadLetters: {
    /** Dead letters held for the group; null when the bus did not answer. */
    count: number | null;
    /** True when `count` reached the counting cap: there are at least that many. */
    countCapped: boolean;
    /** The newest few, newest first. */
    newest: DeadLetterSummary[];
  };
}

export interface BusStatus {
  kind: 'embedded' | 'redis';
  groups: ConsumerGroupStatus[];
}

/** `GET /status` of one process (admin token required). */
export interface ProcessStatus {
  /** Services hosted by this process, each with its own readiness checks. */
  services: Array<{ name: string; checks: CheckStatus[] }>;
  /** Checks of the whole process (the bus), which every hosted service depends on. */
  checks: CheckStatus[];
  /** Null in a process without a bus (a gateway on its own). */
  bus: BusStatus | null;
  /** ISO 8601 */
  checkedAt: string;
}

export type ReplicaHealth = 'up' | 'down';
export type ReplicaReadiness = 'ready' | 'not_ready' | 'unknown';

export interface ReplicaStatus {
  /** `in-process` for what the gateway's own process hosts; else the replica's base URL. */
  replica: string;
  /** `/health`: the process answers. */
  health: ReplicaHealth;
  /** `/ready`: every check of the service (and of its process) passes; `unknown` when it could not be asked. */
  readiness: ReplicaReadiness;
  checks: CheckStatus[];
  /** Why a replica is down or unknown: `unreachable`, `timeout`, `http_<status>`, `invalid_answer`, `service_not_hosted`. */
  problem?: string;
}

export interface ServiceStatus {
  name: string;
  /** True when at least one replica is up and ready (the service can serve traffic). */
  available: boolean;
  replicas: ReplicaStatus[];
}

/** `GET /api/admin/system` (gateway; admin role). */
export interface SystemStatus {
  topology: 'all-in-one' | 'distributed';
  /** `gateway` first, then each service of the route table. */
  services: ServiceStatus[];
  /** Each consumer group once (its replicas share it); null when no process answered with a bus. */
  bus: BusStatus | null;
  /** ISO 8601 */
  checkedAt: string;
}

/** Where the gateway serves the system status. */
export const ADMIN_SYSTEM_PATH = '/api/admin/system';
// ── User administration (users service, docs/users.md "Administration") ──

export const USER_STATUSES = ['active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** One user as `GET /api/users/admin/users` lists them. */
export interface AdminUser {
  userId: string;
  email: string;
  displayName: string | null;
  avatarUrl: string | null;
  locale: 'es' | 'en' | null;
  timeZone: string | null;
  role: Role;
  status: UserStatus;
  createdAt: string;
  updatedAt: string;
}

/** Newest first; pass `nextCursor` back as `cursor` (null on the last page). */
export interface AdminUserPage {
  items: AdminUser[];
  nextCursor: string | null;
}

// ── Model registry (AI service, docs/ai.md) ──

/** A model of the registry: what the AI service resolves a request's model to. */
export interface ModelDefinition {
  /** Registry id, e.g. `llama-3.1-8b-instant` or `versaai-offline`. */
  id: string;
  /** Provider id, e.g. `groq`, `openai`, `ollama`, `offline`. */
  provider: string;
  /** The model name sent upstream. */
  upstreamModel: string;
  contextWindow: number;
  maxOutputTokens: number;
  /** USD per million prompt tokens. */
  inputPricePerMillion: number;
  /** USD per million completion tokens. */
  outputPricePerMillion: number;
  enabled: boolean;
  /** Plans that may use the model; empty: every plan. */
  allowedPlans: string[];
  /** Registry ids tried in order when this model fails before its first token. */
  fallbacks: string[];
  isDefault: boolean;
}

/** One model as `GET /api/ai/admin/models` lists it. */
export interface AdminModel extends ModelDefinition {
  /** `config`: from the AI service's configuration; `admin`: created through the API. */
  source: 'config' | 'admin';
  /** Whether the AI service has credentials for the model's provider. */
  providerConfigured: boolean;
  /**
   * Listed by the provider's own `GET /models` (model discovery) and not stored: editing it
   * stores it as an `admin` model; it cannot be deleted, only disabled.
   */
  discovered?: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface AdminModelList {
  items: AdminModel[];
}

/** `POST /api/ai/admin/models`. */
export interface AdminModelInput {
  id: string;
  provider: string;
  upstreamModel?: string;
  contextWindow: number;
  maxOutputTokens: number;
  inputPricePerMillion?: number;
  outputPricePerMillion?: number;
  enabled?: boolean;
  allowedPlans?: string[];
  fallbacks?: string[];
  isDefault?: boolean;
}

/** `PATCH /api/ai/admin/models/{id}`: only the fields to change. */
export type AdminModelPatch = Partial<Omit<AdminModelInput, 'id'>>;
