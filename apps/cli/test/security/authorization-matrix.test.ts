import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService, waitFor } from '@versaai/testing';
import { apiInventory, concretePath, describeOperation, type ApiOperation } from './support/api-inventory.ts';
import { call, createAdmin, signUp, type Account } from './support/accounts.ts';
import { startAllInOne, startDistributed, type Target } from './support/targets.ts';

const hasPostgres = await requireService('postgres', 'distributed authorization matrix');
const hasRedis = await requireService('redis', 'distributed authorization matrix');

/**
 * For operations whose path names a resource: how to find another user's instance of it.
 * An operation with parameters and no entry here fails the matrix, so a new route cannot
 * skip the IDOR check by accident.
 */
type Resources = {
  victim: Account; victimSessionId: string; victimApiKeyId: string;
  conversationId: string; messageId: string; responseId: string; shareId: string;
};
/** The path parameters naming the victim's resource, and a body valid for the route (so only ownership can refuse it). */
type Attempt = { params: Record<string, string>; body?: unknown };
const conversation = (r: Resources) => ({ id: r.conversationId });
const otherUsersResource: Record<string, (resources: Resources) => Attempt> = {
  'DELETE /api/auth/sessions/{id}': (r) => ({ params: { id: r.victimSessionId } }),
  'DELETE /api/auth/api-keys/{id}': (r) => ({ params: { id: r.victimApiKeyId } }),
  'GET /api/users/{id}': (r) => ({ params: { id: r.victim.userId } }),
  'GET /api/chat/conversations/{id}': (r) => ({ params: conversation(r) }),
  'PATCH /api/chat/conversations/{id}': (r) => ({ params: conversation(r), body: { title: 'mine now' } }),
  'DELETE /api/chat/conversations/{id}': (r) => ({ params: conversation(r) }),
  'POST /api/chat/conversations/{id}/messages': (r) => ({ params: conversation(r), body: { content: 'hello from a stranger' } }),
  'POST /api/chat/conversations/{id}/messages/{messageId}/edit': (r) => ({ params: { ...conversation(r), messageId: r.messageId }, body: { content: 'edited' } }),
  'POST /api/chat/conversations/{id}/responses/{responseId}/regenerate': (r) => ({ params: { ...conversation(r), responseId: r.responseId } }),
  'POST /api/chat/conversations/{id}/responses/{responseId}/cancel': (r) => ({ params: { ...conversation(r), responseId: r.responseId } }),
  'PUT /api/chat/conversations/{id}/active-branch': (r) => ({ params: conversation(r), body: { messageId: r.messageId } }),
  'GET /api/chat/conversations/{id}/export': (r) => ({ params: conversation(r) }),
  'POST /api/chat/conversations/{id}/shares': (r) => ({ params: conversation(r) }),
  'DELETE /api/chat/shares/{shareId}': (r) => ({ params: { shareId: r.shareId } }),
};

const isAdminOnly = (operation: ApiOperation) => operation.rule?.roles !== undefined && !operation.rule.roles.includes('user');
const needsAuth = (operation: ApiOperation) => operation.rule === undefined || operation.rule.auth === 'required';

/** The gateway's own routes (not in the table) need a session too. */
function expectsAuth(operation: ApiOperation): boolean {
  return operation.rule ? operation.rule.auth === 'required' : operation.path.startsWith('/api/privacy');
}

let inventory: ApiOperation[];

beforeAll(async () => {
  // The operations come from the all-in-one platform's OpenAPI document: the same code runs
  // distributed, where the gateway only knows the proxied prefixes.
  const reference = await startAllInOne();
  try {
    inventory = await apiInventory(reference.gatewayUrl);
  } finally {
    await reference.stop();
  }
  expect(inventory.length).toBeGreaterThan(10);
});

const topologies = [
  { name: 'all-in-one', start: startAllInOne, enabled: true, zeroTrust: false },
  { name: 'distributed (gateway, auth, users as processes on PostgreSQL + Redis)', start: startDistributed, enabled: hasPostgres && hasRedis, zeroTrust: true },
];

for (const topology of topologies) {
  describe.skipIf(!topology.enabled)(`authorization matrix: ${topology.name}`, () => {
    let target: Target;
    let alice: Account;
    let admin: Account;
    let resources: Resources;

    beforeAll(async () => {
      target = await topology.start();
      const base = target.gatewayUrl;
      alice = await signUp(base, 'alice');
      const victim = await signUp(base, 'victim');
      admin = await createAdmin(base, target.cliEnv);
      const key = await call(base, 'POST', '/api/auth/api-keys', { bearer: victim.bearer, body: { name: 'ci', scopes: ['users:read'] } });
      expect(key.status, JSON.stringify(key.body)).toBe(201);
      const created = await call(base, 'POST', '/api/chat/conversations', { bearer: victim.bearer, body: { title: 'private' } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const sent = await call(base, 'POST', `/api/chat/conversations/${created.body.id}/messages`, { bearer: victim.bearer, body: { content: 'my secret question' } });
      expect(sent.status, JSON.stringify(sent.body)).toBe(202);
      const share = await call(base, 'POST', `/api/chat/conversations/${created.body.id}/shares`, { bearer: victim.bearer });
      expect(share.status, JSON.stringify(share.body)).toBe(201);
      resources = {
        victim, victimSessionId: victim.sessionId, victimApiKeyId: key.body.id,
        conversationId: created.body.id, messageId: sent.body.messageId, responseId: sent.body.responseId, shareId: share.body.shareId,
      };
    }, 300_000);

    afterAll(async () => {
      await target?.stop();
    });

    it('answers 401 to anonymous calls of every route that needs a token, and never AUTH_REQUIRED elsewhere', async () => {
      const wrong: string[] = [];
      for (const operation of inventory) {
        const response = await call(target.gatewayUrl, operation.method, concretePath(operation), { body: operation.bodySchema ? {} : undefined });
        const required = expectsAuth(operation);
        if (required && (response.status !== 401 || response.body?.code !== 'AUTH_REQUIRED')) wrong.push(`${describeOperation(operation)} → ${response.status}`);
        if (!required && response.body?.code === 'AUTH_REQUIRED') wrong.push(`${describeOperation(operation)} is public in the table but asked for a token`);
        if (response.status >= 500) wrong.push(`${describeOperation(operation)} → ${response.status}`);
      }
      expect(wrong).toEqual([]);
    });

    it('answers 403 to a regular user on every admin route', async () => {
      const adminOnly = inventory.filter(isAdminOnly);
      expect(adminOnly.length).toBeGreaterThan(0);
      const wrong: string[] = [];
      for (const operation of adminOnly) {
        const response = await call(target.gatewayUrl, operation.method, concretePath(operation, { id: admin.userId }), {
          bearer: alice.bearer, body: operation.bodySchema ? {} : undefined,
        });
        if (response.status !== 403) wrong.push(`${describeOperation(operation)} → ${response.status}`);
      }
      expect(wrong).toEqual([]);
    });

    it('answers 404 when a user names another user\'s resource (no IDOR), and the resource survives', async () => {
      const withParams = inventory.filter((operation) => operation.params.length > 0 && !isAdminOnly(operation) && needsAuth(operation));
      const missing = withParams.filter((operation) => !otherUsersResource[describeOperation(operation)]);
      expect(missing.map(describeOperation), 'add an entry to otherUsersResource for these operations').toEqual([]);
      const wrong: string[] = [];
      for (const operation of withParams) {
        const attempt = otherUsersResource[describeOperation(operation)]!(resources);
        const response = await call(target.gatewayUrl, operation.method, concretePath(operation, attempt.params), {
          bearer: alice.bearer, body: attempt.body ?? (operation.bodySchema ? {} : undefined),
        });
        if (response.status !== 404) wrong.push(`${describeOperation(operation)} → ${response.status}`);
      }
      expect(wrong).toEqual([]);
      // The victim's session and API key still work.
      expect((await call(target.gatewayUrl, 'GET', '/api/users/me', { bearer: resources.victim.bearer })).status).toBe(200);
      const keys = await call(target.gatewayUrl, 'GET', '/api/auth/api-keys', { bearer: resources.victim.bearer });
      expect(keys.body.apiKeys).toEqual(expect.arrayContaining([expect.objectContaining({ id: resources.victimApiKeyId })]));
      // The victim's conversation is untouched: same title, one question, and the share still opens.
      const mine = await call(target.gatewayUrl, 'GET', `/api/chat/conversations/${resources.conversationId}`, { bearer: resources.victim.bearer });
      expect(mine.status).toBe(200);
      expect(mine.body.conversation.title).toBe('private');
      expect(mine.body.messages.filter((message: { role: string }) => message.role === 'user').map((message: { content: string }) => message.content)).toEqual(['my secret question']);
      expect((await call(target.gatewayUrl, 'GET', `/api/chat/shared/${resources.shareId}`)).status).toBe(200);
    });

    it('answers 401 on every route that needs a token once an admin disables the user', async () => {
      const disabled = await signUp(target.gatewayUrl, 'disabled');
      const response = await call(target.gatewayUrl, 'POST', `/api/users/admin/users/${disabled.userId}/disable`, { bearer: admin.bearer });
      expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
      // Auth revokes the sessions when it handles the user.updated event (the users service
      // refuses the user on its own as soon as it disabled them, so wait on an auth route).
      await waitFor(async () => ((await call(target.gatewayUrl, 'GET', '/api/auth/sessions', { bearer: disabled.bearer })).status === 401 ? true : undefined), { timeoutMs: 20_000 });
      const wrong: string[] = [];
      for (const operation of inventory.filter(expectsAuth)) {
        const result = await call(target.gatewayUrl, operation.method, concretePath(operation), {
          bearer: disabled.bearer, body: operation.bodySchema ? {} : undefined,
        });
        if (result.status !== 401) wrong.push(`${describeOperation(operation)} → ${result.status}`);
      }
      expect(wrong).toEqual([]);
      const login = await call(target.gatewayUrl, 'POST', '/api/auth/login', { body: { email: disabled.email, password: disabled.password } });
      expect(login.status).toBeGreaterThanOrEqual(400);
      expect(login.body.accessToken).toBeUndefined();
    });

    // Only the distributed topology has service processes to reach around the gateway.
    if (topology.zeroTrust) it('is enforced again by each service process (zero trust): no token, a forged identity header or a foreign key → 401', async () => {
      const wrong: string[] = [];
      for (const operation of inventory.filter((each) => each.rule && expectsAuth(each))) {
        const serviceUrl = target.serviceUrls[operation.rule!.service]!;
        const attempts = [
          {},
          { headers: { 'x-user-id': alice.userId, 'x-user-role': 'admin', 'x-forwarded-user': alice.userId } },
          { bearer: 'Bearer eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.' },
        ];
        for (const attempt of attempts) {
          const response = await call(serviceUrl, operation.method, concretePath(operation), { ...attempt, body: operation.bodySchema ? {} : undefined });
          if (response.status !== 401) wrong.push(`${describeOperation(operation)} at ${operation.rule!.service} with ${JSON.stringify(attempt).slice(0, 60)} → ${response.status}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  });
}
