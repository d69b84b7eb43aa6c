import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, get as httpGet } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { authenticate } from '@versaai/identity';
import { defineService, startPlatform, type RunningPlatform } from '@versaai/runtime';
import { tempDataDir, type TempDataDir } from '@versaai/testing';
import { createGateway, type GatewayRoute } from '../src/index.ts';

// Stand-ins with the real contracts: `auth` publishes a JWKS and trades API keys for tokens;
// `echo` answers with the identity its routes see.
let privateKey: CryptoKey;
let publicJwk: JWK;
const API_KEY = 'vak_test_0123456789abcdef';

async function token(claims: { sub?: string; role?: string; sid?: string; kind?: string; scope?: string } = {}, lifetimeSeconds = 900): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'user', sid: 'sess-1', kind: 'session', ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt' })
    .setSubject(claims.sub ?? 'user-a').setIssuer('versaai').setAudience('versaai-api')
    .setIssuedAt(now).setExpirationTime(now + lifetimeSeconds).sign(privateKey);
}

const fakeAuth = defineService({
  name: 'auth',
  migrations: [],
  async routes(app) {
    app.get('/.well-known/jwks.json', async () => ({ keys: [publicJwk] }));
    app.post<{ Body: { apiKey?: string } }>('/api-keys/exchange', async (request, reply) => {
      if (request.body.apiKey !== API_KEY) return reply.code(401).send({ code: 'AUTH_API_KEY_INVALID' });
      return { accessToken: await token({ sub: 'user-k', kind: 'api_key', sid: 'ak_1', scope: 'users:read' }), tokenType: 'Bearer', expiresIn: 900 };
    });
  },
});

const echo = defineService({
  name: 'echo',
  migrations: [],
  async routes(app) {
    const whoami = async (request: { identity?: unknown }) => ({ identity: request.identity ?? null });
    app.get('/public', whoami);
    app.get('/me', { preHandler: authenticate() }, whoami);
    app.get('/admin/stats', { preHandler: authenticate({ roles: ['admin'] }) }, whoami);
    app.get('/limited', { preHandler: authenticate() }, whoami);
  },
});

const route = (prefix: string, service: string, extra: Partial<GatewayRoute> = {}): GatewayRoute =>
  ({ prefix, service, auth: 'public', rateLimit: 'standard', bodyLimit: 4096, timeoutMs: 1_000, ...extra });

const table = [
  route('/api/auth', 'auth'),
  route('/api/echo', 'echo', { auth: 'required' }),
  route('/api/echo/public', 'echo'),
  route('/api/echo/admin', 'echo', { auth: 'required', roles: ['admin'] }),
  route('/api/echo/limited', 'echo', { auth: 'required', rateLimit: 'credentials' }),
];

/** GET /api/echo/me over one kept-alive connection (a socket set shows it stayed one). */
function oneKeptAliveConnection(baseUrl: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<unknown>();
  const onConnection = (authorization?: string) => new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const request = httpGet(`${baseUrl}/api/echo/me`, { agent, headers: authorization ? { authorization } : {} }, (response) => {
      sockets.add(response.socket);
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    request.on('error', reject);
  });
  return { agent, sockets, onConnection };
}

describe('gateway authentication at the edge (all-in-one)', () => {
  let dataDir: TempDataDir;
  let platform: RunningPlatform;
  const get = (url: string, authorization?: string) =>
    fetch(`${platform.url}${url}`, { headers: authorization ? { authorization } : {} });

  beforeAll(async () => {
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'EdDSA', use: 'sig' };
    dataDir = await tempDataDir();
    platform = await startPlatform({
      services: [fakeAuth, echo],
      gateway: createGateway(table, { credentials: { limit: 2, windowMs: 60_000 }, standard: { limit: 1_000, windowMs: 60_000 } }),
      env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', VERSAAI_DATA_DIR: dataDir.dir },
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await dataDir?.remove();
  });

  it('answers 401 AUTH_REQUIRED without a token on a required route, as problem+json', async () => {
    const response = await get('/api/echo/me');
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect((await response.json() as Record<string, unknown>).code).toBe('AUTH_REQUIRED');
  });

  it('verifies a token against the JWKS and hands the identity to the service', async () => {
    const response = await get('/api/echo/me', `Bearer ${await token({ sub: 'user-b' })}`);
    expect(response.status).toBe(200);
    expect((await response.json() as Record<string, unknown>).identity).toMatchObject({ userId: 'user-b', role: 'user', kind: 'session', sessionId: 'sess-1' });
  });

  it('refuses a forged or garbage token even on a public route', async () => {
    const response = await get('/api/echo/public', 'Bearer not.a.token');
    expect(response.status).toBe(401);
    expect((await response.json() as Record<string, unknown>).code).toBe('AUTH_TOKEN_INVALID');
    expect((await get('/api/echo/public')).status).toBe(200);
  });

  it('applies the route roles: 403 for a user, 200 for an admin', async () => {
    const asUser = await get('/api/echo/admin/stats', `Bearer ${await token({ sub: 'user-c' })}`);
    expect(asUser.status).toBe(403);
    expect((await asUser.json() as Record<string, unknown>).code).toBe('AUTH_FORBIDDEN');
    expect((await get('/api/echo/admin/stats', `Bearer ${await token({ sub: 'user-d', role: 'admin' })}`)).status).toBe(200);
  });

  it('refuses a revoked session at once, before its token expires', async () => {
    const bearer = `Bearer ${await token({ sub: 'user-e', sid: 'sess-revoked' })}`;
    expect((await get('/api/echo/me', bearer)).status).toBe(200);
    await platform.services.get('auth')!.context.revocations.revoke(['sess-revoked'], 60_000);
    const response = await get('/api/echo/me', bearer);
    expect(response.status).toBe(401);
    expect((await response.json() as Record<string, unknown>).code).toBe('AUTH_SESSION_REVOKED');
  });

  it('trades an API key for a token the service sees as an api_key identity; a wrong key is 401', async () => {
    const response = await get('/api/echo/me', `Bearer ${API_KEY}`);
    expect(response.status).toBe(200);
    expect((await response.json() as Record<string, unknown>).identity).toMatchObject({ userId: 'user-k', kind: 'api_key', sessionId: 'ak_1', scopes: ['users:read'] });
    const wrong = await get('/api/echo/me', 'Bearer vak_wrong');
    expect(wrong.status).toBe(401);
    expect((await wrong.json() as Record<string, unknown>).code).toBe('AUTH_API_KEY_INVALID');
  });

  it('counts requests without a token against the address, then answers 429 before 401', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get('/api/echo/limited')).status);
    expect(statuses).toEqual([401, 401, 429]);
  });

  it('answers a token it verified before exactly as the first time (decided without waiting)', async () => {
    const asUser = `Bearer ${await token({ sub: 'user-f' })}`;
    for (let i = 0; i < 2; i++) {
      const forbidden = await get('/api/echo/admin/stats', asUser);
      expect(forbidden.status).toBe(403);
      expect((await forbidden.json() as Record<string, unknown>).code).toBe('AUTH_FORBIDDEN');
      const allowed = await get('/api/echo/me', asUser);
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('ratelimit-limit')).toBe('1000');
      expect((await allowed.json() as Record<string, unknown>).identity).toMatchObject({ userId: 'user-f', sessionId: 'sess-1' });
    }
  });

  it('decides each request of one kept-alive connection by its own Authorization header', async () => {
    const { agent, sockets, onConnection } = oneKeptAliveConnection(platform.url);
    try {
      const alice = `Bearer ${await token({ sub: 'user-h1' })}`;
      const bob = `Bearer ${await token({ sub: 'user-h2', sid: 'sess-h2' })}`;
      expect((await onConnection(alice)).body.identity).toMatchObject({ userId: 'user-h1' });
      expect((await onConnection(alice)).body.identity).toMatchObject({ userId: 'user-h1' });
      const anonymous = await onConnection();
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('AUTH_REQUIRED');
      expect((await onConnection(bob)).body.identity).toMatchObject({ userId: 'user-h2', sessionId: 'sess-h2' });
      // The same token in a header written differently (case, spacing) is the same credential.
      expect((await onConnection(alice.replace('Bearer ', 'bearer  '))).body.identity).toMatchObject({ userId: 'user-h1' });
      expect((await onConnection(`${alice}x`)).status).toBe(401);
      expect((await onConnection(alice)).body.identity).toMatchObject({ userId: 'user-h1' });
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('refuses a token once it expires, though this connection sent it before', async () => {
    const bearer = `Bearer ${await token({ sub: 'user-g' }, 2)}`;
    const expiresAt = JSON.parse(Buffer.from(bearer.split('.')[1]!, 'base64url').toString()).exp as number;
    // Twice: the second is decided from what the edge remembers of this token.
    expect((await get('/api/echo/me', bearer)).status).toBe(200);
    expect((await get('/api/echo/me', bearer)).status).toBe(200);
    while (Date.now() / 1000 <= expiresAt) await new Promise((resolve) => setTimeout(resolve, 100));
    const response = await get('/api/echo/me', bearer);
    expect(response.status).toBe(401);
    expect((await response.json() as Record<string, unknown>).code).toBe('AUTH_TOKEN_EXPIRED');
  });

  it('counts authenticated requests per user: one user over budget does not limit another', async () => {
    const alice = `Bearer ${await token({ sub: 'user-alice' })}`;
    const bob = `Bearer ${await token({ sub: 'user-bob' })}`;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get('/api/echo/limited', alice)).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await get('/api/echo/limited', bob)).status).toBe(200);
  });

  // Last: it revokes the test API key.
  it('decides an API key sent again on one kept-alive connection at once, and still refuses it once revoked', async () => {
    const { agent, sockets, onConnection } = oneKeptAliveConnection(platform.url);
    try {
      const key = `Bearer ${API_KEY}`;
      const asKey = { userId: 'user-k', kind: 'api_key', sessionId: 'ak_1' };
      // The first is exchanged (or taken from the exchange's cache); the next ones are decided from the connection's memory.
      for (let i = 0; i < 3; i++) expect((await onConnection(key)).body.identity).toMatchObject(asKey);
      const user = `Bearer ${await token({ sub: 'user-k2', sid: 'sess-k2' })}`;
      expect((await onConnection(user)).body.identity).toMatchObject({ userId: 'user-k2', kind: 'session' });
      expect((await onConnection(key)).body.identity).toMatchObject(asKey);
      const wrong = await onConnection('Bearer vak_wrong');
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('AUTH_API_KEY_INVALID');
      expect((await onConnection(key)).body.identity).toMatchObject(asKey);
      await platform.services.get('auth')!.context.revocations.revoke(['ak_1'], 60_000);
      const revoked = await onConnection(key);
      expect(revoked.status).toBe(401);
      expect(revoked.body.code).toBe('AUTH_SESSION_REVOKED');
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });
});
