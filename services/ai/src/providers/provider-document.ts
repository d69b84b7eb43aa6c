import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '@versaai/kernel';
import { MODEL_ID } from '../registry/model-id.ts';

// The provider/model document of AI_CONFIG_FILE (a path) or AI_PROVIDERS (inline): YAML or
// JSON (YAML is a superset of JSON). Keys never belong in it: `apiKeyEnv` names a variable.

const providerDocument = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be lowercase letters, digits, _ or - (at most 40)'),
  baseUrl: z.url({ protocol: /^https?$/ }),
  apiKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must name an environment variable').optional(),
  headers: z.record(z.string().min(1), z.string()).optional(),
  connections: z.int().min(1).max(100_000).optional(),
  includeUsage: z.boolean().optional(),
  // Read the provider's GET /models (OpenAI-compatible) at start and every AI_MODEL_DISCOVERY_INTERVAL.
  discoverModels: z.boolean().default(false),
  discoveredModelDefaults: z.object({
    contextWindow: z.int().min(2).max(100_000_000),
    maxOutputTokens: z.int().min(1).max(100_000_000),
  }).strict().refine((limits) => limits.maxOutputTokens < limits.contextWindow, 'maxOutputTokens must be smaller than contextWindow').optional(),
}).strict().refine((provider) => provider.discoverModels || !provider.discoveredModelDefaults, {
  message: 'discoveredModelDefaults needs discoverModels: true', path: ['discoveredModelDefaults'],
});

const modelDocument = z.object({
  id: z.string().regex(MODEL_ID, 'must be 1-100 letters, digits or _ . : / -'),
  provider: z.string().min(1),
  upstreamModel: z.string().min(1).optional(),
  contextWindow: z.int().min(1),
  maxOutputTokens: z.int().min(1),
  inputPricePerMillion: z.number().min(0).default(0),
  outputPricePerMillion: z.number().min(0).default(0),
  enabled: z.boolean().default(true),
  allowedPlans: z.array(z.string().min(1)).default([]),
  fallbacks: z.array(z.string().min(1)).default([]),
  default: z.boolean().default(false),
}).strict();

const document = z.object({
  providers: z.array(providerDocument).default([]),
  models: z.array(modelDocument).default([]),
  defaultModel: z.string().min(1).optional(),
}).strict();

export type ProviderDocument = z.infer<typeof document>;

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'is invalid';
  return `is invalid at ${issue.path.join('.') || '(root)'}: ${issue.message}`;
}

/** Parses one document; `variable` names the setting it came from in error messages. */
export function parseProviderDocument(text: string, variable: string): ProviderDocument {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError([{ variable, problem: `is not valid YAML/JSON: ${(error as Error).message.split('\n')[0]}` }]);
  }
  const result = document.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError([{ variable, problem: describe(result.error) }]);
  return result.data;
}

export function readProviderDocumentFile(path: string): ProviderDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([{ variable: 'AI_CONFIG_FILE', problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}: ${path})` }]);
  }
  return parseProviderDocument(text, 'AI_CONFIG_FILE');
}
