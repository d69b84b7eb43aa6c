import { v7 as uuidv7 } from 'uuid';
import { LIMITS, type Conversation, type ConversationPage, type ConversationWithPath } from '../api-types.ts';
import { nowIso, notify, type ChatDeps } from '../chat-deps.ts';
import { activePathPage } from '../messages/active-path.ts';
import { messagesRepository } from '../messages/messages-repository.ts';
import { conversationNotFound } from '../problems.ts';
import { checkTitle } from '../text-checks.ts';
import { conversationsRepository, type ConversationChanges } from './conversations-repository.ts';
import { decodeListCursor, encodeListCursor } from './list-cursor.ts';

export interface ListQuery { cursor?: string; limit: number; archived: boolean; pinned?: boolean }
export interface ConversationPatch { title?: string | null; pinned?: boolean; archived?: boolean }

export async function createConversation(deps: ChatDeps, userId: string, body: { title?: string }): Promise<Conversation> {
  const title = body.title === undefined ? null : checkTitle(body.title);
  const conversation = await conversationsRepository.insert(deps.db, {
    id: uuidv7(), userId, title, titleSource: title === null ? null : 'user', now: nowIso(deps),
  });
  notify(deps, userId, { type: 'conversation.created', conversation });
  return conversation;
}

export async function listConversations(deps: ChatDeps, userId: string, query: ListQuery): Promise<ConversationPage> {
  const after = query.cursor === undefined ? undefined : decodeListCursor(query.cursor);
  const rows = await conversationsRepository.list(deps.db, userId, {
    archived: query.archived, pinned: query.pinned, limit: query.limit + 1, after,
  });
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  const nextCursor = rows.length > query.limit && last
    ? encodeListCursor({ pinned: last.pinned, lastMessageAt: last.lastMessageAt, id: last.id })
    : null;
  return { items, nextCursor };
}

export async function getConversation(deps: ChatDeps, userId: string, id: string, page: { before?: string; limit: number }): Promise<ConversationWithPath> {
  const conversation = await conversationsRepository.find(deps.db, userId, id);
  if (!conversation) throw conversationNotFound();
  const path = await activePathPage(deps.db, userId, conversation, { before: page.before, limit: Math.min(page.limit, LIMITS.pathPageSize) });
  return { conversation, messages: path.messages, nextCursor: path.nextCursor };
}

export async function patchConversation(deps: ChatDeps, userId: string, id: string, patch: ConversationPatch): Promise<Conversation> {
  const changes: ConversationChanges = {};
  if (patch.title !== undefined) {
    // A title the user gave is never replaced by a generated one; clearing it lets one be generated again.
    changes.title = patch.title === null ? null : checkTitle(patch.title);
    changes.titleSource = patch.title === null ? null : 'user';
  }
  if (patch.pinned !== undefined) changes.pinned = patch.pinned;
  if (patch.archived !== undefined) changes.archived = patch.archived;
  const conversation = await deps.transaction(async (trx) => {
    if (!await conversationsRepository.update(trx, userId, id, changes, nowIso(deps))) throw conversationNotFound();
    return (await conversationsRepository.find(trx, userId, id))!;
  });
  notify(deps, userId, { type: 'conversation.updated', conversation });
  return conversation;
}

/** Deletes the conversation and its messages; answers still being produced for it are asked to stop (nobody will read them). */
export async function deleteConversation(deps: ChatDeps, userId: string, id: string): Promise<void> {
  const unfinished = await deps.transaction(async (trx) => {
    const answers = await messagesRepository.unfinishedIn(trx, userId, id);
    if (!await conversationsRepository.delete(trx, userId, id)) throw conversationNotFound();
    return answers;
  });
  await Promise.all(unfinished.map((responseId) => deps.responseStreams.requestCancel(responseId)));
  notify(deps, userId, { type: 'conversation.deleted', conversationId: id });
}
