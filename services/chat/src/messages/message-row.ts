import type { Message, MessageRole, MessageStatus } from '../api-types.ts';
import { iso } from '../rows.ts';

export interface MessageRow {
  id: string;
  conversation_id: string;
  user_id: string;
  parent_id: string | null;
  role: string;
  content: string;
  status: string;
  error_code: string | null;
  model: string | null;
  provider: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  finish_reason: string | null;
  created_at: string | Date;
  updated_at: string | Date;
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    parentId: row.parent_id,
    role: row.role as MessageRole,
    content: row.content,
    status: row.status as MessageStatus,
    errorCode: row.error_code,
    model: row.model,
    provider: row.provider,
    usage: { promptTokens: Number(row.prompt_tokens), completionTokens: Number(row.completion_tokens) },
    costUsd: Number(row.cost_usd),
    finishReason: row.finish_reason,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** A new message row: user messages are complete at once, assistant messages start pending. */
export function newMessageRow(init: {
  id: string; conversationId: string; userId: string; parentId: string | null; role: MessageRole; content: string; status: MessageStatus;
  model?: string | null; now: string;
}): MessageRow {
  return {
    id: init.id,
    conversation_id: init.conversationId,
    user_id: init.userId,
    parent_id: init.parentId,
    role: init.role,
    content: init.content,
    status: init.status,
    error_code: null,
    model: init.model ?? null,
    provider: null,
    prompt_tokens: 0,
    completion_tokens: 0,
    cost_usd: 0,
    finish_reason: null,
    created_at: init.now,
    updated_at: init.now,
  };
}
