import { errorBody, type OpenAiErrorBody } from './protocol.ts';

export interface ChatRequest {
  model: string;
  messages: Array<{ role?: unknown; content?: unknown }>;
  stream: boolean;
  includeUsage: boolean;
  /** `max_completion_tokens`, else the older `max_tokens`. */
  maxTokens: number | undefined;
}

export interface InvalidRequest { status: number; error: OpenAiErrorBody }

function invalid(message: string, param: string | null, code: string | null): InvalidRequest {
  return { status: 400, error: errorBody(message, 'invalid_request_error', param, code) };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The checks the real API makes first, with its messages: a JSON object body, a model, and a
 * non-empty messages array of objects. Everything else is accepted and ignored, like a
 * provider that supports more parameters than this fake looks at.
 */
export function validateChatRequest(body: unknown, rawBody: string | undefined): ChatRequest | InvalidRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return rawBody
      ? invalid('We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.', null, null)
      : invalid('you must provide a model parameter', null, null);
  }
  const fields = body as Record<string, unknown>;
  if (typeof fields.model !== 'string' || fields.model === '') return invalid('you must provide a model parameter', null, null);
  if (fields.messages === undefined) return invalid("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (!Array.isArray(fields.messages)) {
    return invalid(`Invalid type for 'messages': expected an array of objects, but got ${typeName(fields.messages)} instead.`, 'messages', 'invalid_type');
  }
  if (fields.messages.length === 0) {
    return invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
  }
  const badIndex = fields.messages.findIndex((message) => message === null || typeof message !== 'object' || Array.isArray(message));
  if (badIndex >= 0) {
    return invalid(`Invalid type for 'messages[${badIndex}]': expected an object, but got ${typeName(fields.messages[badIndex])} instead.`, `messages[${badIndex}]`, 'invalid_type');
  }
  if (fields.stream !== undefined && fields.stream !== null && typeof fields.stream !== 'boolean') {
    return invalid(`Invalid type for 'stream': expected a boolean, but got ${typeName(fields.stream)} instead.`, 'stream', 'invalid_type');
  }
  const maxTokens = fields.max_completion_tokens ?? fields.max_tokens;
  if (maxTokens !== undefined && maxTokens !== null && (!Number.isInteger(maxTokens) || (maxTokens as number) < 1)) {
    const param = fields.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens';
    return invalid(`Invalid '${param}': expected an integer of at least 1.`, param, 'invalid_value');
  }
  const streamOptions = fields.stream_options as { include_usage?: unknown } | null | undefined;
  return {
    model: fields.model,
    messages: fields.messages as ChatRequest['messages'],
    stream: fields.stream === true,
    includeUsage: fields.stream === true && streamOptions?.include_usage === true,
    maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
  };
}
