import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '@versaai/runtime';
import { createTestIssuer, tempDataDir, type TempDataDir, type TestIssuer } from '@versaai/testing';
import { chatService } from '../src/index.ts';

// The route plugins are tested on both dialects on their own; this checks the chat service
// itself mounts them (next to chat-core's and realtime's routes) — one dialect is enough.
describe('chat service: search, export and share routes are mounted', () => {
  let data: TempDataDir;
  let issuer: TestIssuer;
  let platform: RunningPlatform;

  beforeAll(async () => {
    data = await tempDataDir();
    issuer = await createTestIssuer();
    platform = await startPlatform({
      services: [issuer.fakeAuthService, chatService],
      env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG ?? 'silent', VERSAAI_DATA_DIR: data.dir, BUS_BLOCK_MS: '100' },
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await data?.remove();
  });

  it('answers each of them', async () => {
    const authorization = await issuer.bearer({ sub: 'user-registration-1' });
    const call = (method: 'GET' | 'POST' | 'DELETE', url: string) => platform.app.inject({ method, url, headers: { authorization } });
    const conversation = await platform.app.inject({ method: 'POST', url: '/api/chat/conversations', headers: { authorization }, payload: { title: 'Mounted' } });
    expect(conversation.statusCode).toBe(201);
    const id = conversation.json().id as string;

    expect((await call('GET', '/api/chat/search?q=mounted')).json()).toEqual({ items: [], nextCursor: null });
    expect((await call('GET', `/api/chat/conversations/${id}/export?format=markdown`)).body).toContain('# Mounted');
    const share = await call('POST', `/api/chat/conversations/${id}/shares`);
    expect(share.statusCode).toBe(201);
    expect((await platform.app.inject({ url: `/api/chat/shared/${share.json().shareId}` })).json()).toMatchObject({ title: 'Mounted', messages: [] });
    expect((await call('GET', '/api/chat/shares')).json().items).toHaveLength(1);
    expect((await call('DELETE', `/api/chat/shares/${share.json().shareId}`)).statusCode).toBe(204);
  });
});
