import { MODEL_ID_PATTERN as MODEL_ID } from './model-id.ts';
import type { RegistryModel } from './models-repository.ts';

// JSON schemas of the registry's HTTP API (Fastify validates strictly: unknown fields → 400).

const editable = {
  provider: { type: 'string', minLength: 1, maxLength: 40 },
  upstreamModel: { type: 'string', minLength: 1, maxLength: 200 },
  contextWindow: { type: 'integer', minimum: 1, maximum: 100_000_000 },
  maxOutputTokens: { type: 'integer', minimum: 1, maximum: 100_000_000 },
  inputPricePerMillion: { type: 'number', minimum: 0, maximum: 1_000_000 },
  outputPricePerMillion: { type: 'number', minimum: 0, maximum: 1_000_000 },
  enabled: { type: 'boolean' },
  allowedPlans: { type: 'array', maxItems: 50, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 64 } },
  fallbacks: { type: 'array', maxItems: 10, uniqueItems: true, items: { type: 'string', pattern: MODEL_ID } },
  isDefault: { type: 'boolean' },
} as const;

export const createModelBody = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'provider', 'contextWindow', 'maxOutputTokens'],
  properties: { id: { type: 'string', pattern: MODEL_ID }, ...editable },
} as const;

export const patchModelBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: editable,
} as const;

export const modelIdParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', pattern: MODEL_ID } },
} as const;

export const adminModelSchema = {
  type: 'object',
  required: ['id', 'provider', 'upstreamModel', 'contextWindow', 'maxOutputTokens', 'inputPricePerMillion', 'outputPricePerMillion',
    'enabled', 'allowedPlans', 'fallbacks', 'isDefault', 'source', 'providerConfigured', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' }, ...editable, source: { type: 'string', enum: ['config', 'admin'] }, discovered: { type: 'boolean' },
    providerConfigured: { type: 'boolean' }, createdAt: { type: 'string' }, updatedAt: { type: 'string' },
  },
} as const;

export const publicModelSchema = {
  type: 'object',
  required: ['id', 'provider', 'contextWindow', 'maxOutputTokens', 'inputPricePerMillion', 'outputPricePerMillion', 'default'],
  properties: {
    id: { type: 'string' }, provider: { type: 'string' }, contextWindow: { type: 'integer' }, maxOutputTokens: { type: 'integer' },
    inputPricePerMillion: { type: 'number' }, outputPricePerMillion: { type: 'number' }, default: { type: 'boolean' },
  },
} as const;

export type { AdminModelInput as ModelInput, AdminModelPatch as ModelPatch } from '@versaai/contracts';

export function adminView(model: RegistryModel, providers: ReadonlySet<string>) {
  return {
    ...model,
    // true: listed by the provider's GET /models, not stored; a PATCH stores it as the admin's.
    discovered: model.discovered === true,
    providerConfigured: providers.has(model.provider),
    createdAt: new Date(model.createdAt).toISOString(),
    updatedAt: new Date(model.updatedAt).toISOString(),
  };
}
