import { v7 as uuidv7 } from 'uuid';
import { createEvent } from '@versaai/events';
import type { Publish } from '@versaai/runtime';
import { LIMITS, UNFINISHED_MESSAGE_STATUSES, type Conversation, type Message, type SendAccepted } from '../api-types.ts';
import { nowIso, notify, type ChatDeps } from '../chat-deps.ts';
import { conversationsRepository } from '../conversations/conversations-repository.ts';
import { conversationNotFound, invalidParent, messageNotEditable, messageNotFound, responseInProgress, responseNotFound } from '../problems.ts';
import { iso, type Db } from '../rows.ts';
import { checkContent } from '../text-checks.ts';
import { newMessageRow, toMessage, type MessageRow } from './message-row.ts';
import { messagesRepository } from './messages-repository.ts';

export interface GenerationParameters { temperature?: number; maxTokens?: number; cache?: boolean }
export interface SendBody { content: string; model?: string; parentId?: string; parameters?: GenerationParameters }
export interface EditBody { content: string; model?: string; parameters?: GenerationParameters }
export interface RegenerateBody { model?: string; parameters?: GenerationParameters }

type Turn = { role: 'user' | 'assistant' | 'system'; content: string };

/** What the model sees of a path: an answer still being written has nothing to show yet; a failed or cancelled one keeps what it said. */
function turnsOf(messages: Message[]): Turn[] {
  return messages
    .filter((message) => message.content !== '' && !(UNFINISHED_MESSAGE_STATUSES as readonly string[]).includes(message.status))
    .map((message) => ({ role: message.role, content: message.content }));
}

/** The turns the model sees before a new message: the path ending at `parentId`, the last LIMITS.historyTurns, oldest first. */
async function historyUpTo(db: Db, conversationId: string, parentId: string | null): Promise<Turn[]> {
  if (parentId === null) return [];
  const { messages } = await messagesRepository.pathEndingAt(db, conversationId, parentId, LIMITS.historyTurns);
  return turnsOf(messages);
}

/** The conversation, locked until commit on PostgreSQL, so concurrent sends to it take turns moving its active branch. */
async function lockedConversation(deps: ChatDeps, trx: Db, userId: string, id: string): Promise<Conversation> {
  const conversation = await conversationsRepository.find(trx, userId, id, { forUpdate: deps.dialect === 'postgres' });
  if (!conversation) throw conversationNotFound();
  return conversation;
}

interface Created { accepted: SendAccepted; messages: Message[]; conversation: Conversation }

/**
 * Inserts a pending answer (and, unless it answers an existing question, the user's message)
 * and the message.sent event in the caller's transaction, and moves the active branch to the
 * new answer. All or nothing: a failure leaves neither message nor event.
 */
async function insertExchange(deps: ChatDeps, trx: Db, publish: Publish, userId: string, conversation: Conversation, exchange: {
  question: { existing: Message } | { content: string; parentId: string | null };
  /** The turns before the question, when the caller has read them already. */
  history?: Turn[];
  model?: string;
  parameters?: GenerationParameters;
}): Promise<Created> {
  const now = nowIso(deps);
  const rows: MessageRow[] = [];
  const asked = exchange.question;
  const existing = 'existing' in asked ? asked.existing : undefined;
  const question = 'existing' in asked
    ? { id: asked.existing.id, content: asked.existing.content, parentId: asked.existing.parentId }
    : { id: uuidv7(), content: asked.content, parentId: asked.parentId };
  if (!existing) {
    rows.push(newMessageRow({ id: question.id, conversationId: conversation.id, userId, parentId: question.parentId, role: 'user', content: question.content, status: 'completed', now }));
  }
  const responseId = uuidv7();
  rows.push(newMessageRow({ id: responseId, conversationId: conversation.id, userId, parentId: question.id, role: 'assistant', content: '', status: 'pending', model: exchange.model, now }));
  const history = exchange.history ?? await historyUpTo(trx, conversation.id, question.parentId);
  await messagesRepository.insert(trx, rows);
  await conversationsRepository.update(trx, userId, conversation.id, { activeLeafId: responseId, lastMessageAt: now }, now);
  await publish([createEvent('message.sent', {
    conversationId: conversation.id,
    messageId: question.id,
    responseId,
    userId,
    content: question.content,
    ...(exchange.model === undefined ? {} : { model: exchange.model }),
    history,
    parameters: exchange.parameters ?? {},
    // The first question of an untitled conversation (also when that question is edited).
    generateTitle: !existing && question.parentId === null && conversation.titleSource !== 'user' && conversation.title === null,
  }, { source: 'chat', key: conversation.id })]);
  return {
    accepted: { conversationId: conversation.id, messageId: question.id, responseId },
    messages: rows.map(toMessage),
    // The row is locked (or SQLite's one writer holds it) since it was read: the update above is all that changed.
    conversation: { ...conversation, activeLeafId: responseId, lastMessageAt: iso(now), updatedAt: iso(now) },
  };
}

function announce(deps: ChatDeps, userId: string, created: Created): SendAccepted {
  for (const message of created.messages) notify(deps, userId, { type: 'message.created', conversationId: created.conversation.id, message });
  notify(deps, userId, { type: 'conversation.updated', conversation: created.conversation });
  return created.accepted;
}

/** A new message after `parentId` (default: the end of the active branch) and its pending answer. */
export async function sendMessage(deps: ChatDeps, userId: string, conversationId: string, body: SendBody): Promise<SendAccepted> {
  const content = checkContent(body.content);
  const created = await deps.transaction(async (trx, publish) => {
    const conversation = await lockedConversation(deps, trx, userId, conversationId);
    const parentId = body.parentId ?? conversation.activeLeafId;
    let history: Turn[] = [];
    if (parentId !== null) {
      // The parent is the last message of its path: one statement checks it and reads the history.
      const path = await messagesRepository.ownedPathEndingAt(trx, userId, conversationId, parentId, LIMITS.historyTurns);
      if (!path) throw messageNotFound();
      if (path.at(-1)!.role === 'user') throw invalidParent();
      history = turnsOf(path);
    }
    return insertExchange(deps, trx, publish, userId, conversation, { question: { content, parentId }, history, model: body.model, parameters: body.parameters });
  });
  return announce(deps, userId, created);
}

/** An edited question is a sibling of the original (same parent) with its own new answer; the original branch stays. */
export async function editMessage(deps: ChatDeps, userId: string, conversationId: string, messageId: string, body: EditBody): Promise<SendAccepted> {
  const content = checkContent(body.content);
  const created = await deps.transaction(async (trx, publish) => {
    const conversation = await lockedConversation(deps, trx, userId, conversationId);
    const original = await messagesRepository.find(trx, userId, conversationId, messageId);
    if (!original) throw messageNotFound();
    if (original.role !== 'user') throw messageNotEditable();
    return insertExchange(deps, trx, publish, userId, conversation, {
      question: { content, parentId: original.parentId }, model: body.model, parameters: body.parameters,
    });
  });
  return announce(deps, userId, created);
}

/** Another answer to the same question: a sibling of `responseId`. Same model unless another is asked for. */
export async function regenerateResponse(deps: ChatDeps, userId: string, conversationId: string, responseId: string, body: RegenerateBody): Promise<SendAccepted> {
  const created = await deps.transaction(async (trx, publish) => {
    const conversation = await lockedConversation(deps, trx, userId, conversationId);
    const previous = await messagesRepository.find(trx, userId, conversationId, responseId);
    if (!previous || previous.role !== 'assistant' || previous.parentId === null) throw responseNotFound();
    if ((UNFINISHED_MESSAGE_STATUSES as readonly string[]).includes(previous.status)) throw responseInProgress();
    const question = await messagesRepository.find(trx, userId, conversationId, previous.parentId);
    if (!question) throw responseNotFound();
    return insertExchange(deps, trx, publish, userId, conversation, {
      question: { existing: question }, model: body.model ?? previous.model ?? undefined, parameters: body.parameters,
    });
  });
  return announce(deps, userId, created);
}
