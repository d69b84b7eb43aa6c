import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { createEmbeddedTransport, decodeEvent, encodeEvent, streamFor, type BusTransport, type EventEnvelope } from '@versaai/events';
import type { RunningPlatform } from '@versaai/runtime';
import { waitFor, type DialectHarness } from '@versaai/testing';
import type { Kysely } from 'kysely';
import { decodeJwt } from 'jose';
import { startCoreAuth } from '../core/core-platform.ts';

/** Auth alone on the harness's dialect, plus a second reader of its embedded bus to see what it publishes. */
export interface AuthPlatform {
  platform: RunningPlatform;
  /** Every JSON log line written so far. */
  logs: Array<Record<string, unknown>>;
  db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Waits for the first published event of `type` matching `match` (events seen are kept, in order). */
  event<T = Record<string, unknown>>(type: string, match?: (data: T) => boolean): Promise<EventEnvelope<T>>;
  /** Every event of `type` seen so far (reads what is there now, without waiting). */
  events<T = Record<string, unknown>>(type: string): Promise<Array<EventEnvelope<T>>>;
  /** Publishes an event onto the bus as another service would. */
  publish(envelope: EventEnvelope): Promise<void>;
  /** Registers an account and returns its id (from user.registered: registration answers the same for every address). */
  register(email: string, password: string): Promise<string>;
  /** Logs in as an API client: the refresh token comes in the body. */
  login(email: string, password: string): Promise<Session>;
  /** An authenticated request. */
  call(session: Session | string, method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  isRevoked(id: string): Promise<boolean>;
  stop(): Promise<void>;
}

export interface Session { accessToken: string; refreshToken: string; sessionId: string; userId: string }

const OBSERVED = ['user.registered', 'user.deleted', 'auth.email_verification_requested', 'auth.password_reset_requested'];

export async function startAuthPlatform(harness: DialectHarness, env: Record<string, string> = {}): Promise<AuthPlatform> {
  const { platform, logs, db } = await startCoreAuth(harness, { env });
  const observer: BusTransport = createEmbeddedTransport({ file: join(harness.dataDir, 'bus.db') });
  const streams = OBSERVED.map(streamFor);
  await observer.ensureGroup('observer', streams);
  const seen: EventEnvelope[] = [];

  async function drain(): Promise<void> {
    const entries = await observer.read('observer', 'test', streams, { count: 100, blockMs: 0 });
    await observer.ack('observer', entries);
    seen.push(...entries.map((entry) => decodeEvent(entry.payload)));
  }

  const event = async <T>(type: string, match: (data: T) => boolean = () => true) => waitFor(async () => {
    await drain();
    return seen.find((candidate) => candidate.type === type && match(candidate.data as T)) as EventEnvelope<T> | undefined;
  });

  return {
    platform,
    logs,
    event,
    db,
    async events<T>(type: string) {
      await drain();
      return seen.filter((event) => event.type === type) as Array<EventEnvelope<T>>;
    },
    async publish(envelope) {
      await observer.append([{ stream: streamFor(envelope.type), payload: encodeEvent(envelope) }]);
    },
    async register(email, password) {
      const response = await platform.app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password } });
      if (response.statusCode >= 300) throw new Error(`register failed: ${response.statusCode} ${response.body}`);
      return (await event<{ userId: string; email: string }>('user.registered', (data) => data.email === email)).data.userId;
    },
    async login(email, password) {
      const response = await platform.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password, client: 'api' } });
      if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
      const { accessToken, refreshToken } = response.json();
      const claims = decodeJwt(accessToken);
      return { accessToken, refreshToken, sessionId: claims.sid as string, userId: claims.sub! };
    },
    async call(session, method, url, payload) {
      const token = typeof session === 'string' ? session : session.accessToken;
      return platform.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
    },
    isRevoked: (id) => platform.services.get('auth')!.context.revocations.isRevoked(id),
    async stop() {
      await observer.close();
      await platform.stop();
    },
  };
}

/** The token inside an e-mailed link. */
export function tokenOf(url: string): string {
  return new URL(url).searchParams.get('token')!;
}
