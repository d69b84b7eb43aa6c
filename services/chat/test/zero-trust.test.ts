import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineService } from '@versaai/runtime';
import { createTestIssuer, startServiceAlone, type ServiceAlone, type TestIssuer } from '@versaai/testing';
import { chatCoreHandlers, chatCoreRoutes } from '../src/chat-core.ts';
import { chatMigrations } from '../src/migrations/index.ts';

// Distributed mode: the chat core runs alone, behind a gateway it does not trust, and verifies
// every token itself against auth's JWKS (here a plain JWKS server).
describe('chat: alone in its process, verifying tokens itself', () => {
  let platform: ServiceAlone;
  let issuer: TestIssuer;

  beforeAll(async () => {
    platform = await startServiceAlone([defineService({ name: 'chat', migrations: chatMigrations, routes: chatCoreRoutes, handlers: chatCoreHandlers })]);
    issuer = platform.issuer;
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const request = (path: string, init: { method?: string; authorization?: string; headers?: Record<string, string>; body?: unknown } = {}) => fetch(`${platform.url}/api/chat${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.authorization ? { authorization: init.authorization } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });

  it('serves a caller whose token auth signed, and only that caller', async () => {
    const created = await request('/conversations', { method: 'POST', authorization: await issuer.bearer({ sub: 'zoe' }), body: { title: 'Mine' } });
    expect(created.status).toBe(201);
    const { id } = await created.json() as { id: string };
    expect((await request(`/conversations/${id}`, { authorization: await issuer.bearer({ sub: 'zoe' }) })).status).toBe(200);
    expect((await request(`/conversations/${id}`, { authorization: await issuer.bearer({ sub: 'yan' }) })).status).toBe(404);
  });

  it('refuses headers a gateway could set, tokens of another key and API-key tokens without the scope', async () => {
    const anonymous = await request('/conversations', { headers: { 'x-user-id': 'zoe' } });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { code: string }).code).toBe('AUTH_REQUIRED');
    const stranger = await createTestIssuer({ kid: issuer.kid });
    expect((await request('/conversations', { authorization: await stranger.bearer({ sub: 'zoe' }) })).status).toBe(401);
    const readOnly = await issuer.bearer({ sub: 'zoe', kind: 'api_key', sid: 'ak_1', scope: 'chat:read' });
    expect((await request('/conversations', { authorization: readOnly })).status).toBe(200);
    const write = await request('/conversations', { method: 'POST', authorization: readOnly, body: {} });
    expect(write.status).toBe(403);
    expect(((await write.json()) as { code: string }).code).toBe('AUTH_SCOPE_MISSING');
  });
});
