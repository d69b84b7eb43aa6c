import type { Logger } from '@versaai/kernel';
import type { PubSub } from '@versaai/storage';

/** A change the user's devices should show: `message.created`, `message.updated`, `conversation.updated`, … */
export interface ChatNotification {
  type: string;
  [key: string]: unknown;
}

/**
 * Tells every device of a user, on every chat replica, that something of theirs changed.
 * Fire-and-forget: a notification is a hint to refresh what the API returns, never the only
 * copy of a state, so a device that was offline loses nothing by missing one.
 */
export interface ChatNotifier {
  notify(userId: string, message: ChatNotification): void;
}

/** The pub/sub channel of one user's notifications; the realtime hub subscribes to it per connected user. */
export function userNotificationChannel(userId: string): string {
  return `chat-user:${userId}`;
}

/**
 * The notifier chat's routes and handlers call after a commit. Publishing never throws into
 * the caller (the state change already happened); a failure is logged.
 */
export function createChatNotifier(deps: { pubsub: PubSub; logger: Logger }): ChatNotifier {
  return {
    notify(userId, message) {
      deps.pubsub.publish(userNotificationChannel(userId), JSON.stringify(message)).catch((error: unknown) => {
        deps.logger.warn({ err: error, notification: message.type }, 'chat notification not published');
      });
    },
  };
}
