import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBothDialects, waitFor } from '@versaai/testing';
import type { SendAccepted } from '../src/api-types.ts';
import { startChatPlatform, type ChatPlatform } from './chat-platform.ts';

// The service runs the reaper by itself: with a 1 s deadline, an answer nobody produces ends on its own.
describeOnBothDialects('chat: reaper timer of the running service', (harness) => {
  let chat: ChatPlatform;

  beforeAll(async () => {
    chat = await startChatPlatform(harness, { CHAT_RESPONSE_DEADLINE_MS: '1s', CHAT_REAPER_INTERVAL_MS: '50ms' });
  });

  afterAll(async () => {
    await chat?.stop();
  });

  it('ends an answer nobody produces as failed AI_NO_PROGRESS', async () => {
    const conversationId = (await chat.call({ method: 'POST', url: '/conversations', as: 'rex', body: {} })).json().id;
    const accepted: SendAccepted = (await chat.call({ method: 'POST', url: `/conversations/${conversationId}/messages`, as: 'rex', body: { content: 'anyone?' } })).json();
    const ended = await waitFor(async () => {
      const view = (await chat.call({ url: `/conversations/${conversationId}`, as: 'rex' })).json();
      const answer = view.messages.find((m: { id: string; status: string }) => m.id === accepted.responseId && m.status !== 'pending');
      return answer ?? undefined;
    }, { timeoutMs: 15_000 });
    expect(ended).toMatchObject({ status: 'failed', errorCode: 'AI_NO_PROGRESS', content: '' });
    expect((await chat.deps.responseStreams.read(accepted.responseId)).map((entry) => entry.event.type)).toEqual(['end']);
  });
});
