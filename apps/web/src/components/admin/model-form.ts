import { ApiError } from '../../api/api-error.ts';
import type { AdminModel, AdminModelInput, AdminModelPatch } from '../../api/contracts.ts';

/** The form's fields, as typed (text) before they become a request body. */
export interface ModelDraft {
  id: string;
  provider: string;
  upstreamModel: string;
  contextWindow: string;
  maxOutputTokens: string;
  inputPricePerMillion: string;
  outputPricePerMillion: string;
  allowedPlans: string;
  fallbacks: string;
  enabled: boolean;
  isDefault: boolean;
}

export type ModelField = keyof ModelDraft;
/** Field → key of its message under admin.models.invalid. */
export type ModelErrors = Partial<Record<ModelField, string>>;

// The AI service's rules (services/ai/src/registry/model-schemas.ts), checked before sending.
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}$/;
const MAX_TOKENS = 100_000_000;
const MAX_PRICE = 1_000_000;

export function emptyDraft(): ModelDraft {
  return {
    id: '', provider: '', upstreamModel: '', contextWindow: '', maxOutputTokens: '', inputPricePerMillion: '0', outputPricePerMillion: '0',
    allowedPlans: '', fallbacks: '', enabled: true, isDefault: false,
  };
}

export function draftOf(model: AdminModel): ModelDraft {
  return {
    id: model.id, provider: model.provider, upstreamModel: model.upstreamModel === model.id ? '' : model.upstreamModel,
    contextWindow: String(model.contextWindow), maxOutputTokens: String(model.maxOutputTokens),
    inputPricePerMillion: String(model.inputPricePerMillion), outputPricePerMillion: String(model.outputPricePerMillion),
    allowedPlans: model.allowedPlans.join(', '), fallbacks: model.fallbacks.join(', '), enabled: model.enabled, isDefault: model.isDefault,
  };
}

const list = (text: string) => [...new Set(text.split(',').map((item) => item.trim()).filter((item) => item !== ''))];
const wholeNumber = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN);
const price = (text: string) => (text.trim() === '' ? NaN : Number(text.trim()));

/** What is wrong with the draft; empty when it may be sent. */
export function validateDraft(draft: ModelDraft, creating: boolean): ModelErrors {
  const errors: ModelErrors = {};
  if (creating) {
    if (draft.id.trim() === '') errors.id = 'required';
    else if (!MODEL_ID.test(draft.id.trim())) errors.id = 'id';
  }
  if (draft.provider.trim() === '') errors.provider = 'required';
  else if (draft.provider.trim().length > 40) errors.provider = 'tooLong';
  if (draft.upstreamModel.trim().length > 200) errors.upstreamModel = 'tooLong';
  const context = wholeNumber(draft.contextWindow);
  const output = wholeNumber(draft.maxOutputTokens);
  if (!(context >= 1 && context <= MAX_TOKENS)) errors.contextWindow = 'wholeNumber';
  if (!(output >= 1 && output <= MAX_TOKENS)) errors.maxOutputTokens = 'wholeNumber';
  else if (!errors.contextWindow && output >= context) errors.maxOutputTokens = 'outputTooLarge';
  for (const field of ['inputPricePerMillion', 'outputPricePerMillion'] as const) {
    const value = price(draft[field]);
    if (!(value >= 0 && value <= MAX_PRICE)) errors[field] = 'price';
  }
  const plans = list(draft.allowedPlans);
  if (plans.length > 50) errors.allowedPlans = 'tooMany';
  else if (plans.some((plan) => plan.length > 64)) errors.allowedPlans = 'tooLong';
  const fallbacks = list(draft.fallbacks);
  if (fallbacks.length > 10) errors.fallbacks = 'tooMany';
  else if (fallbacks.some((fallback) => !MODEL_ID.test(fallback))) errors.fallbacks = 'fallback';
  return errors;
}

function fields(draft: ModelDraft): Omit<AdminModelInput, 'id'> {
  const upstream = draft.upstreamModel.trim();
  return {
    provider: draft.provider.trim(),
    ...(upstream ? { upstreamModel: upstream } : {}),
    contextWindow: wholeNumber(draft.contextWindow),
    maxOutputTokens: wholeNumber(draft.maxOutputTokens),
    inputPricePerMillion: price(draft.inputPricePerMillion),
    outputPricePerMillion: price(draft.outputPricePerMillion),
    allowedPlans: list(draft.allowedPlans),
    fallbacks: list(draft.fallbacks),
    enabled: draft.enabled,
    isDefault: draft.isDefault,
  };
}

export function inputOf(draft: ModelDraft): AdminModelInput {
  return { id: draft.id.trim(), ...fields(draft) };
}

/** Only what changed: a PATCH that names a field it does not mean to change could undo someone else's edit. */
export function patchOf(draft: ModelDraft, original: AdminModel): AdminModelPatch {
  const next = fields(draft);
  const before = fields(draftOf(original));
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    if (JSON.stringify(value) !== JSON.stringify(before[key as keyof typeof before])) patch[key] = value;
  }
  // Clearing the upstream model means "the same as the id".
  if (draft.upstreamModel.trim() === '' && original.upstreamModel !== original.id) patch.upstreamModel = original.id;
  return patch as AdminModelPatch;
}

// Which field a refusal of the AI service is about.
const FIELD_OF_CODE: Record<string, ModelField> = {
  AI_MODEL_EXISTS: 'id',
  AI_PROVIDER_UNKNOWN: 'provider',
  AI_MODEL_INVALID: 'maxOutputTokens',
  AI_FALLBACK_UNKNOWN: 'fallbacks',
};

const FIELDS = new Set<string>(Object.keys(emptyDraft()));

/**
 * The fields a server error points at: by its code, or by the paths of a VALIDATION_FAILED
 * (`body.contextWindow`). `true` as a value: show the error's own translated message there;
 * otherwise the key of a generic message.
 */
export function serverFieldErrors(error: unknown): Partial<Record<ModelField, true | string>> {
  if (!(error instanceof ApiError)) return {};
  const field = FIELD_OF_CODE[error.code];
  if (field) return { [field]: true };
  if (error.code !== 'VALIDATION_FAILED') return {};
  const found: Partial<Record<ModelField, string>> = {};
  for (const { path } of error.problem?.errors ?? []) {
    const name = path.split('.')[1] ?? '';
    if (FIELDS.has(name)) found[name as ModelField] = 'rejected';
  }
  return found;
}
