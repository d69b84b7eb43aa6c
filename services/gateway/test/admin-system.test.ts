import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { SystemStatus } from '@versaai/contracts';
import { defineService, startPlatform, type RunningPlatform } from '@versaai/runtime';
import { tempDataDir, type TempDataDir } from '@versaai/testing';
import { createGateway, type GatewayRoute } from '../src/index.ts';
import { closedPortUrl, startUpstream, type TestUpstream } from './upstream-servers.ts';

let privateKey: CryptoKey;
let publicJwk: JWK;

async function bearer(sub: string, role: 'user' | 'admin'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ role, sid: `sess-${sub}`, kind: 'session' })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt' })
    .setSubject(sub).setIssuer('versaai').setAudience('versaai-api').setIssuedAt(now).setExpirationTime(now + 900).sign(privateKey);
  return `Bearer ${token}`;
}

const auth = defineService({
  name: 'auth',
  migrations: [],
  async routes(app) {
    app.get('/.well-known/jwks.json', async () => ({ keys: [publicJwk] }));
  },
});

const route = (prefix: string, service: string, extra: Partial<GatewayRoute> = {}): GatewayRoute =>
  ({ prefix, service, auth: 'required', rateLimit: 'standard', bodyLimit: 4096, timeoutMs: 1_000, ...extra });

describe('GET /api/admin/system with replicas that are not VersaAI processes or not there', () => {
  let dataDir: TempDataDir;
  let platform: RunningPlatform;
  let impostor: TestUpstream;
  let gone: string;

  beforeAll(async () => {
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'EdDSA', use: 'sig' };
    dataDir = await tempDataDir();
    // Answers 200 with its own JSON on every path: alive, but its /status says nothing we can read.
    impostor = await startUpstream('impostor');
    gone = await closedPortUrl();
    const table = [route('/api/auth', 'auth'), route('/api/auth/.well-known', 'auth', { auth: 'public' }), route('/api/notes', 'notes')];
    platform = await startPlatform({
      services: [auth],
      gateway: createGateway(table),
      env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', VERSAAI_DATA_DIR: dataDir.dir, VERSAAI_UPSTREAMS: `notes=${impostor.url}|${gone}`, GATEWAY_HEALTH_INTERVAL_MS: '0' },
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await impostor?.stop();
    await dataDir?.remove();
  });

  it('reports each replica as it found it and still answers 200', async () => {
    const response = await platform.app.inject({ method: 'GET', url: '/api/admin/system', headers: { authorization: await bearer('a1', 'admin') } });
    expect(response.statusCode, response.body).toBe(200);
    const status = response.json<SystemStatus>();
    expect(status.topology).toBe('distributed');
    expect(status.services.map((service) => service.name)).toEqual(['gateway', 'auth', 'notes']);
    const [gateway, authStatus, notes] = status.services;
    expect(gateway!.replicas).toEqual([{ replica: 'in-process', health: 'up', readiness: 'ready', checks: [{ name: 'bus', outcome: 'ok' }] }]);
    expect(authStatus!.replicas[0]!.checks).toEqual([{ name: 'auth-database', outcome: 'ok' }, { name: 'bus', outcome: 'ok' }]);
    expect(notes!.available).toBe(false);
    expect(notes!.replicas).toEqual([
      { replica: impostor.url, health: 'up', readiness: 'unknown', checks: [], problem: 'invalid_answer' },
      { replica: gone, health: 'down', readiness: 'unknown', checks: [], problem: 'unreachable' },
    ]);
    // The embedded bus of this process; auth has no event handlers, so no consumer group.
    expect(status.bus).toEqual({ kind: 'embedded', groups: [] });
    // The admin's token went to the replica, which must verify it itself.
    expect(impostor.seen.some((call) => call.url === '/status')).toBe(true);
  });

  it('refuses a user (403) and an anonymous caller (401) before asking any replica', async () => {
    const before = impostor.seen.length;
    const user = await platform.app.inject({ method: 'GET', url: '/api/admin/system', headers: { authorization: await bearer('u1', 'user') } });
    expect(user.statusCode).toBe(403);
    expect(user.headers['content-type']).toContain('application/problem+json');
    expect(user.json().code).toBe('AUTH_FORBIDDEN');
    const anonymous = await platform.app.inject({ method: 'GET', url: '/api/admin/system' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe('AUTH_REQUIRED');
    expect(impostor.seen.length).toBe(before);
  });

  it("keeps the process's own /status for admins", async () => {
    expect((await platform.app.inject({ method: 'GET', url: '/status' })).statusCode).toBe(401);
    expect((await platform.app.inject({ method: 'GET', url: '/status', headers: { authorization: await bearer('u1', 'user') } })).statusCode).toBe(403);
    const own = await platform.app.inject({ method: 'GET', url: '/status', headers: { authorization: await bearer('a1', 'admin') } });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ services: [{ name: 'auth' }], checks: [{ name: 'bus', outcome: 'ok' }], bus: { kind: 'embedded', groups: [] } });
  });
});
