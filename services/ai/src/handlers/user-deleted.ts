import type { EventData, EventEnvelope, EventHandler } from '@versaai/events';
import type { ResponseStreamStore } from '@versaai/storage';
import type { ErasedUsers } from '../privacy/erased-users.ts';
import { eraseUserData } from '../privacy/user-data.ts';

/**
 * The account is gone: every response job (with its prompts), usage row and quota counter of
 * the user goes, in the consumer's transaction. Once that has committed, the user's queued or
 * running answers are cancelled on whichever replica runs them; their run then finds its row
 * gone and records nothing (no usage, no event). The user is remembered as erased first (a
 * message of theirs taken in meanwhile has committed, and goes too; one arriving later is
 * dropped). Redeliveries delete nothing more.
 */
export function onUserDeleted(streams: Pick<ResponseStreamStore, 'requestCancel'>, erased: ErasedUsers): EventHandler {
  return async (event: EventEnvelope<EventData<'user.deleted'>>, { trx, logger, afterTransaction }) => {
    const userId = event.data.userId;
    await erased.markErased(trx, userId);
    const open = await eraseUserData(trx, userId);
    afterTransaction((committed) => {
      if (!committed) return;
      for (const responseId of open) {
        streams.requestCancel(responseId).catch((error: unknown) => logger.warn({ err: error, responseId }, 'could not cancel an erased user\'s answer'));
      }
    });
    logger.info({ userId, cancelled: open.length }, 'ai data erased');
  };
}
