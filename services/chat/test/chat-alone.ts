import { createRedisResponseStreamStore, type ResponseStreamStore } from '@versaai/storage';
import { createTestRedisPrefix, startServiceAlone, startTestIdentity, type ServiceAlone, type TestIdentity, type TestRedisPrefix } from '@versaai/testing';
import { chatService } from '../src/index.ts';

export interface ChatAlone extends ServiceAlone {
  streams: ResponseStreamStore;
}

/** The whole chat service (real time included) alone in its process, verifying tokens itself. */
export async function startChatAlone(env: Record<string, string> = {}, identity?: TestIdentity): Promise<ChatAlone> {
  const alone = await startServiceAlone([chatService], env, identity);
  return { ...alone, streams: alone.platform.services.get('chat')!.context.responseStreams };
}

export interface ChatOnRedis {
  identity: TestIdentity;
  redis: TestRedisPrefix;
  chat: ChatAlone;
  /** Appends as the AI service would, from its own connection. */
  writer: ResponseStreamStore;
  stop(): Promise<void>;
}

/** Chat alone on its own Redis key prefix (response streams and pub/sub in Redis), with a writer beside it. */
export async function startChatOnRedis(env: Record<string, string> = {}): Promise<ChatOnRedis> {
  const identity = await startTestIdentity();
  const redis = createTestRedisPrefix();
  const chat = await startChatAlone({ ...env, REDIS_URL: redis.url, VERSAAI_REDIS_PREFIX: redis.prefix }, identity);
  const writer = createRedisResponseStreamStore({ url: redis.url, prefix: redis.prefix, retentionMs: 60_000 });
  return {
    identity, redis, chat, writer,
    async stop() {
      await chat.stop();
      await writer.close();
      await identity.close();
      await redis.cleanup();
    },
  };
}
