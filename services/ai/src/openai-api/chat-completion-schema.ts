/**
 * The subset of OpenAI's chat-completions request VersaAI honours. Validation is strict like
 * every route (an unknown parameter is a 400, not silently ignored), so a client learns at once
 * that e.g. `tools` is not supported rather than getting an answer that ignored it.
 */
const textPart = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'text'],
  properties: { type: { const: 'text' }, text: { type: 'string' } },
} as const;

export const chatCompletionBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['model', 'messages'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 200 },
    messages: {
      type: 'array',
      minItems: 1,
      maxItems: 10_000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['role', 'content'],
        properties: {
          role: { enum: ['system', 'developer', 'user', 'assistant'] },
          content: { anyOf: [{ type: 'string' }, { type: 'array', items: textPart, maxItems: 1_000 }] },
          name: { type: 'string', maxLength: 64 },
        },
      },
    },
    stream: { type: 'boolean' },
    stream_options: {
      anyOf: [
        { type: 'null' },
        { type: 'object', additionalProperties: false, properties: { include_usage: { type: 'boolean' } } },
      ],
    },
    temperature: { anyOf: [{ type: 'null' }, { type: 'number', minimum: 0, maximum: 2 }] },
    max_tokens: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: 1 }] },
    max_completion_tokens: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: 1 }] },
    n: { anyOf: [{ type: 'null' }, { const: 1 }] },
    /** OpenAI's end-user id for abuse monitoring; accepted, not used (the API key names the user). */
    user: { type: 'string', maxLength: 256 },
  },
} as const;

export interface ChatCompletionBody {
  model: string;
  messages: { role: 'system' | 'developer' | 'user' | 'assistant'; content: string | { type: 'text'; text: string }[]; name?: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  temperature?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  n?: 1 | null;
  user?: string;
}
