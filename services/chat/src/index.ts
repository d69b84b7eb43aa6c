import { defineService } from '@versaai/runtime';
import { chatCoreHandlers, chatCoreRoutes } from './chat-core.ts';
import { exportRoutes } from './export/export-routes.ts';
import { chatMigrations } from './migrations/index.ts';
import { realtimeRoutes } from './realtime/realtime-routes.ts';
import { searchRoutes } from './search/search-routes.ts';
import { shareRoutes } from './shares/share-routes.ts';

/**
 * Conversations and messages (a tree of branches), search, exports and share links, and the
 * real-time channel (WebSocket, SSE fallback) that carries streamed answers to every device.
 */
export const chatService = defineService({
  name: 'chat',
  migrations: chatMigrations,
  async routes(app, ctx) {
    await chatCoreRoutes(app, ctx);
    await realtimeRoutes(app, ctx);
    await searchRoutes(app, ctx);
    await exportRoutes(app, ctx);
    await shareRoutes(app, ctx);
  },
  handlers: (ctx) => chatCoreHandlers(ctx),
});
