import type { FastifyInstance } from 'fastify';
import type { EventHandler, EventType } from '@versaai/events';
import type { ServiceContext } from '@versaai/runtime';
import { chatDepsFrom, type ChatDeps } from './chat-deps.ts';
import { parseChatConfig } from './config.ts';
import { onAiResponseGenerated } from './handlers/ai-response-generated.ts';
import { onConversationTitleGenerated } from './handlers/conversation-title-generated.ts';
import { onUserDeleted } from './handlers/user-deleted.ts';
import { createChatNotifier } from './realtime/chat-notifier.ts';
import { createReaper, startReaper } from './reaper/reaper.ts';
import { conversationRoutes } from './routes/conversations.ts';
import { messageRoutes } from './routes/messages.ts';
import { privacyRoutes } from './routes/privacy.ts';

// Routes and handlers of one hosted chat service share one notifier.
const depsByContext = new WeakMap<ServiceContext, ChatDeps>();

export function chatDeps(ctx: ServiceContext): ChatDeps {
  let deps = depsByContext.get(ctx);
  if (!deps) {
    deps = chatDepsFrom(ctx, createChatNotifier({ pubsub: ctx.pubsub, logger: ctx.logger }));
    depsByContext.set(ctx, deps);
  }
  return deps;
}

/** Conversations, messages, the privacy export, and the reaper that ends stuck answers (stopped when the app closes). */
export async function chatCoreRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const config = parseChatConfig(ctx.env);
  const deps = chatDeps(ctx);
  await conversationRoutes(app, deps);
  await messageRoutes(app, deps);
  await privacyRoutes(app, deps);
  const reaper = startReaper(createReaper(deps, { deadlineMs: config.responseDeadlineMs }), { intervalMs: config.reaperIntervalMs, logger: ctx.logger });
  app.addHook('onClose', async () => reaper.stop());
}

export function chatCoreHandlers(ctx: ServiceContext): Partial<Record<EventType, EventHandler>> {
  const deps = chatDeps(ctx);
  return {
    'ai.response.generated': onAiResponseGenerated(deps),
    'conversation.title.generated': onConversationTitleGenerated(deps),
    'user.deleted': onUserDeleted,
  };
}
