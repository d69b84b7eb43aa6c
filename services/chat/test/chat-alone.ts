import type { ResponseStreamStore } from '@versaai/storage';
import { startServiceAlone, type ServiceAlone, type TestIdentity } from '@versaai/testing';
import { chatService } from '../src/index.ts';

export interface ChatAlone extends ServiceAlone {
  streams: ResponseStreamStore;
}

/** The whole chat service (real time included) alone in its process, verifying tokens itself. */
export async function startChatAlone(env: Record<string, string> = {}, identity?: TestIdentity): Promise<ChatAlone> {
  const alone = await startServiceAlone([chatService], env, identity);
  return { ...alone, streams: alone.platform.services.get('chat')!.context.responseStreams };
}
