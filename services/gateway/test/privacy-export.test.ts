import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { authenticate } from '@versaai/identity';
import { defineService, startPlatform, type RunningPlatform } from '@versaai/runtime';
import { tempDataDir, type TempDataDir } from '@versaai/testing';
import { createGateway, type GatewayRoute } from '../src/index.ts';

let privateKey: CryptoKey;
let publicJwk: JWK;

async function token(sub: string, extra: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'user', sid: `sess-${sub}`, kind: 'session', ...extra })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt' })
    .setSubject(sub).setIssuer('versaai').setAudience('versaai-api').setIssuedAt(now).setExpirationTime(now + 900).sign(privateKey);
}

const auth = defineService({
  name: 'auth',
  migrations: [],
  async routes(app) {
    app.get('/.well-known/jwks.json', async () => ({ keys: [publicJwk] }));
    app.get('/privacy/export', { preHandler: authenticate({ sessionOnly: true }) }, async (request) => ({ email: `${request.identity!.userId}@example.com` }));
  },
});

// Holds data about users; its part of the export is keyed by the caller, never by a parameter.
const notes = defineService({
  name: 'notes',
  migrations: [],
  async routes(app) {
    app.get('/privacy/export', { preHandler: authenticate({ sessionOnly: true }) }, async (request) => ({ notes: [`note of ${request.identity!.userId}`] }));
  },
});

// Holds nothing about users: no export route, so its part is left out.
const clock = defineService({ name: 'clock', migrations: [], async routes(app) { app.get('/now', async () => ({ now: Date.now() })); } });

const route = (prefix: string, service: string, extra: Partial<GatewayRoute> = {}): GatewayRoute =>
  ({ prefix, service, auth: 'required', rateLimit: 'standard', bodyLimit: 4096, timeoutMs: 1_000, ...extra });

describe('privacy export assembled by the gateway', () => {
  let dataDir: TempDataDir;
  let platform: RunningPlatform;

  beforeAll(async () => {
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'EdDSA', use: 'sig' };
    dataDir = await tempDataDir();
    const table = [route('/api/auth', 'auth'), route('/api/auth/.well-known', 'auth', { auth: 'public' }), route('/api/notes', 'notes'), route('/api/clock', 'clock')];
    platform = await startPlatform({
      services: [auth, notes, clock],
      gateway: createGateway(table),
      env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', VERSAAI_DATA_DIR: dataDir.dir },
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await dataDir?.remove();
  });

  const exportAs = (authorization?: string) =>
    fetch(`${platform.url}/api/privacy/export`, { headers: authorization ? { authorization } : {} });

  it('returns one document with every service part about the caller, as a download', async () => {
    const response = await exportAs(`Bearer ${await token('user-1')}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('versaai-export-user-1.json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const document = await response.json() as Record<string, unknown>;
    expect(document).toMatchObject({
      format: 'versaai-export/1',
      userId: 'user-1',
      services: { auth: { email: 'user-1@example.com' }, notes: { notes: ['note of user-1'] } },
    });
    expect(Object.keys(document.services as object).sort()).toEqual(['auth', 'notes']);
  });

  it('needs a session: anonymous → 401, API-key token → 403, revoked session → 401', async () => {
    expect((await exportAs()).status).toBe(401);
    const apiKeyToken = await token('user-2', { kind: 'api_key', sid: 'ak_9', scope: 'users:read' });
    const asKey = await exportAs(`Bearer ${apiKeyToken}`);
    expect(asKey.status).toBe(403);
    expect((await asKey.json() as { code: string }).code).toBe('AUTH_SESSION_REQUIRED');
    const revoked = await token('user-3');
    await platform.services.get('auth')!.context.revocations.revoke(['sess-user-3'], 60_000);
    expect((await exportAs(`Bearer ${revoked}`)).status).toBe(401);
  });
});
