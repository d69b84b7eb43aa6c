import { randomBytes } from 'node:crypto';
import type { ServiceContext } from '@versaai/runtime';
import { conversationsRepository } from '../conversations/conversations-repository.ts';
import { messagesRepository } from '../messages/messages-repository.ts';
import type { Share } from './shares-repository.ts';
import { sharesRepository } from './shares-repository.ts';
import { snapshotOf } from './share-snapshot.ts';

/** The longest branch a share copies; a longer one is shared from its newest MAX_SHARED_MESSAGES messages. */
export const MAX_SHARED_MESSAGES = 10_000;

/** 144 random bits, base64url (24 characters): unguessable, and safe in a URL as it is. */
export function newShareId(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * Freezes the conversation's active branch in a new share; undefined when the user has no
 * such conversation. One transaction, so the copy is the branch of one moment.
 */
export async function createShare(ctx: ServiceContext, userId: string, conversationId: string): Promise<Share | undefined> {
  return ctx.transaction(async (trx) => {
    const conversation = await conversationsRepository.find(trx, userId, conversationId);
    if (!conversation) return undefined;
    const path = conversation.activeLeafId === null
      ? []
      : (await messagesRepository.pathEndingAt(trx, conversation.id, conversation.activeLeafId, MAX_SHARED_MESSAGES)).messages;
    return sharesRepository.insert(trx, {
      id: newShareId(), userId, conversationId, title: conversation.title, snapshot: snapshotOf(path), createdAt: new Date().toISOString(),
    });
  });
}
