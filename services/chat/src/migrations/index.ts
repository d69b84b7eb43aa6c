import type { Migration } from '@versaai/storage';
import { createConversations } from './0001-conversations.ts';
import { createMessageSearch } from './0002-message-search.ts';
import { createShares } from './0003-shares.ts';

/** Every migration of the chat database, one file each; the runner applies those not yet applied, by name. */
export const chatMigrations: Migration[] = [createConversations, createMessageSearch, createShares];
