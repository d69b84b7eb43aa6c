// The account shapes a signed-in person manages: sessions and API keys (docs/identity.md),
// their AI usage (docs/ai.md), the whole-account export (the gateway).

/** `GET /api/auth/sessions` item: one login. */
export interface AuthSession {
  id: string;
  /** Derived from the User-Agent ("Firefox on Linux"). */
  device: string;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  /** The session of the token that asked. */
  current: boolean;
}

export interface AuthSessionList {
  sessions: AuthSession[];
}

export const API_KEY_SCOPES = ['users:read', 'users:write', 'chat:read', 'chat:write', 'ai:use'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** An API key as listed: never its secret. `prefix` is `vak_<id>`. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export interface ApiKeyList {
  apiKeys: ApiKeyInfo[];
}

/** `POST /api/auth/api-keys` body. */
export interface ApiKeyCreate {
  name: string;
  scopes: ApiKeyScope[];
  expiresInDays?: number;
}

/** The 201 answer: the only time the whole key (`key`) is ever sent. */
export interface ApiKeyCreated extends ApiKeyInfo {
  key: string;
}

/** `DELETE /api/auth/account` body: the password confirms it is the owner. */
export interface AccountDeletion {
  password: string;
}

export interface UsageTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/** One model's usage on one UTC day. */
export interface UsageLine extends UsageTotals {
  day: string;
  model: string;
}

/** `GET /api/ai/usage?from=YYYY-MM-DD&to=YYYY-MM-DD` (UTC days, inclusive). */
export interface UsageReport {
  from: string;
  to: string;
  days: UsageLine[];
  totals: UsageTotals;
}

/** `GET /api/privacy/export`: every service's part of what it holds about the caller. */
export interface PrivacyExport {
  format: string;
  userId: string;
  exportedAt: string;
  services: Record<string, unknown>;
}
