import { LIMITS } from '../api-types.ts';

// JSON schemas of every chat route: request schemas are strict (unknown fields → 400
// VALIDATION_FAILED); response schemas both document and serialise (nothing extra leaks).

// Ids are UUIDv7 text; the pattern also keeps NUL and other bytes PostgreSQL refuses out of queries.
export const ID_PATTERN = '^[A-Za-z0-9_-]+$';
const id = { type: 'string', minLength: 1, maxLength: 64, pattern: ID_PATTERN } as const;
const timestamp = { type: 'string', format: 'date-time' } as const;
const nullableString = { type: ['string', 'null'] } as const;

export const conversationSchema = {
  type: 'object',
  required: ['id', 'title', 'titleSource', 'pinned', 'archived', 'activeLeafId', 'createdAt', 'updatedAt', 'lastMessageAt'],
  properties: {
    id: { type: 'string' },
    title: nullableString,
    titleSource: { type: ['string', 'null'], enum: ['auto', 'user', null] },
    pinned: { type: 'boolean' },
    archived: { type: 'boolean' },
    activeLeafId: nullableString,
    createdAt: timestamp,
    updatedAt: timestamp,
    lastMessageAt: timestamp,
  },
} as const;

const messageProperties = {
  id: { type: 'string' },
  conversationId: { type: 'string' },
  parentId: nullableString,
  role: { type: 'string', enum: ['user', 'assistant', 'system'] },
  content: { type: 'string' },
  status: { type: 'string', enum: ['completed', 'pending', 'streaming', 'failed', 'cancelled'] },
  errorCode: nullableString,
  model: nullableString,
  provider: nullableString,
  usage: {
    type: 'object',
    required: ['promptTokens', 'completionTokens'],
    properties: { promptTokens: { type: 'integer' }, completionTokens: { type: 'integer' } },
  },
  costUsd: { type: 'number' },
  finishReason: nullableString,
  createdAt: timestamp,
  updatedAt: timestamp,
} as const;

export const messageSchema = { type: 'object', required: Object.keys(messageProperties), properties: messageProperties } as const;

const pathMessageSchema = {
  type: 'object',
  required: [...Object.keys(messageProperties), 'siblingCount', 'siblingIndex', 'siblingIds'],
  properties: {
    ...messageProperties,
    siblingCount: { type: 'integer' },
    siblingIndex: { type: 'integer' },
    siblingIds: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const conversationPageSchema = {
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: conversationSchema }, nextCursor: nullableString },
} as const;

export const conversationWithPathSchema = {
  type: 'object',
  required: ['conversation', 'messages', 'nextCursor'],
  properties: { conversation: conversationSchema, messages: { type: 'array', items: pathMessageSchema }, nextCursor: nullableString },
} as const;

export const sendAcceptedSchema = {
  type: 'object',
  required: ['conversationId', 'messageId', 'responseId'],
  properties: { conversationId: { type: 'string' }, messageId: { type: 'string' }, responseId: { type: 'string' } },
} as const;

export const cancelAcceptedSchema = {
  type: 'object',
  required: ['responseId', 'cancelRequested', 'status'],
  properties: { responseId: { type: 'string' }, cancelRequested: { type: 'boolean' }, status: messageProperties.status },
} as const;

export const conversationParams = {
  type: 'object', additionalProperties: false, required: ['id'], properties: { id },
} as const;

export const messageParams = {
  type: 'object', additionalProperties: false, required: ['id', 'messageId'], properties: { id, messageId: id },
} as const;

export const responseParams = {
  type: 'object', additionalProperties: false, required: ['id', 'responseId'], properties: { id, responseId: id },
} as const;

const title = { type: 'string', minLength: 1, maxLength: LIMITS.title } as const;
const content = { type: 'string', minLength: 1, maxLength: LIMITS.messageContent } as const;
const model = { type: 'string', minLength: 1, maxLength: LIMITS.model, pattern: '^[^\\u0000-\\u001f\\u007f]+$' } as const;
const parameters = {
  type: 'object',
  additionalProperties: false,
  properties: {
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    maxTokens: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    cache: { type: 'boolean' },
  },
} as const;

export const createConversationBody = {
  type: 'object', additionalProperties: false, properties: { title },
} as const;

export const patchConversationBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { title: { anyOf: [title, { type: 'null' }] }, pinned: { type: 'boolean' }, archived: { type: 'boolean' } },
} as const;

export const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    cursor: { type: 'string', minLength: 1, maxLength: 512 },
    limit: { type: 'integer', minimum: 1, maximum: LIMITS.pageSize, default: 20 },
    archived: { type: 'boolean', default: false },
    pinned: { type: 'boolean' },
  },
} as const;

export const pathQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    before: id,
    limit: { type: 'integer', minimum: 1, maximum: LIMITS.pathPageSize, default: 50 },
  },
} as const;

export const sendBody = {
  type: 'object',
  additionalProperties: false,
  required: ['content'],
  properties: { content, model, parentId: id, parameters },
} as const;

export const editBody = {
  type: 'object', additionalProperties: false, required: ['content'], properties: { content, model, parameters },
} as const;

export const regenerateBody = {
  type: 'object', additionalProperties: false, properties: { model, parameters },
} as const;

export const activeBranchBody = {
  type: 'object', additionalProperties: false, required: ['messageId'], properties: { messageId: id },
} as const;
