import type { Logger } from '@versaai/kernel';
import type { ServiceContext } from '@versaai/runtime';
import type { Dialect, ResponseStreamStore } from '@versaai/storage';
import type { ChatNotifier } from './realtime/chat-notifier.ts';
import type { ChatCoreNotification } from './api-types.ts';
import type { Db } from './rows.ts';

/** What the chat core needs from its host; tests build it with their own clock. */
export interface ChatDeps {
  db: Db;
  /** Row locks (FOR UPDATE) exist on PostgreSQL only; SQLite serialises writers anyway. */
  dialect: Dialect;
  transaction: ServiceContext['transaction'];
  responseStreams: ResponseStreamStore;
  notifier: ChatNotifier;
  logger: Logger;
  /** Epoch ms. */
  now(): number;
}

/** Sends a notification of the shape the web app expects (api-types.ts). */
export function notify(deps: Pick<ChatDeps, 'notifier'>, userId: string, notification: ChatCoreNotification): void {
  deps.notifier.notify(userId, notification);
}

export function chatDepsFrom(ctx: ServiceContext, notifier: ChatNotifier, now: () => number = Date.now): ChatDeps {
  return { db: ctx.db, dialect: ctx.database.dialect, transaction: (fn) => ctx.transaction(fn), responseStreams: ctx.responseStreams, notifier, logger: ctx.logger, now };
}

export function nowIso(deps: Pick<ChatDeps, 'now'>): string {
  return new Date(deps.now()).toISOString();
}
