import { z } from 'zod';
import { MODEL_ID } from '../registry/model-id.ts';

// A provider's answer to GET /models is input from outside: a hostile or broken server must not
// be able to fill the registry with junk, huge lists or ids our API and metrics cannot carry.

/** Models kept from one answer; a bigger list is cut (in the server's order) and the cut logged. */
export const MAX_DISCOVERED_MODELS = 500;
/** Bytes read of one answer; more fails the read (a list of 500 models is a few tens of KB). */
export const MAX_MODEL_LIST_BYTES = 1024 * 1024;

const contextHint = z.int().min(2).max(100_000_000);

const entry = z.object({
  id: z.string().regex(MODEL_ID),
  // Context windows some servers report: vLLM `max_model_len`, Groq `context_window`,
  // OpenRouter-style `context_length`. Absent or out of range: the provider's defaults apply.
  max_model_len: contextHint.optional().catch(undefined),
  context_window: contextHint.optional().catch(undefined),
  context_length: contextHint.optional().catch(undefined),
});

const answer = z.object({ data: z.array(z.unknown()) });

export interface ListedModel {
  id: string;
  /** The context window the server reported, when it did. */
  contextWindow?: number;
}

export interface ModelList {
  models: ListedModel[];
  /** Entries dropped: not an object, an invalid id, a duplicate. */
  rejected: number;
  /** True when the list had more than MAX_DISCOVERED_MODELS valid entries. */
  truncated: boolean;
}

/** Parses an OpenAI-compatible `{ data: [{ id, … }] }` list; throws when its shape is wrong. */
export function parseModelList(text: string): ModelList {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('the model list is not JSON');
  }
  const parsed = answer.safeParse(raw);
  if (!parsed.success) throw new Error('the model list has no `data` array');
  const seen = new Set<string>();
  const models: ListedModel[] = [];
  let rejected = 0;
  let truncated = false;
  for (const item of parsed.data.data) {
    const model = entry.safeParse(item);
    if (!model.success || seen.has(model.data.id)) {
      rejected += 1;
      continue;
    }
    if (models.length === MAX_DISCOVERED_MODELS) {
      truncated = true;
      break;
    }
    seen.add(model.data.id);
    const contextWindow = model.data.max_model_len ?? model.data.context_window ?? model.data.context_length;
    models.push({ id: model.data.id, ...(contextWindow === undefined ? {} : { contextWindow }) });
  }
  return { models, rejected, truncated };
}
